/**
 * Scopes a key may hold, the `public` marker for routes anyone may call, and the `agent` marker
 * for /mcp, which only an outside agent's token opens (src/security/agents) — no API key, not
 * even admin, since an agent's identity and run come from its token alone. `admin` implies every
 * other key scope. A route declares exactly one scope in `config.scope`; a route that declares
 * none is denied to everyone (deny by default) and fails the authorisation-matrix test.
 */
export const apiScopes = ['admin', 'runs:write', 'runs:read', 'llm:invoke', 'metrics:read'] as const;
export type ApiScope = (typeof apiScopes)[number];
export type RouteScope = ApiScope | 'public' | 'agent';

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === 'string' && (apiScopes as readonly string[]).includes(value);
}

export function isRouteScope(value: unknown): value is RouteScope {
  return value === 'public' || value === 'agent' || isApiScope(value);
}

/** Whether a key holding `granted` may call a route that requires `required`. */
export function scopeAllows(granted: readonly ApiScope[], required: RouteScope): boolean {
  if (required === 'public') return true;
  if (required === 'agent') return false;
  return granted.includes('admin') || granted.includes(required);
}
