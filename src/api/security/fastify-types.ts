/**
 * The one place Anvil extends Fastify's types: what authentication puts on a request, and what a
 * route declares in its `config`.
 */
import type { RouteInspection } from '../../security/inspect/index.js';
import type { AgentPrincipal } from '../../security/agents/index.js';
import type { Principal, RouteScope } from '../../security/keys/index.js';

/** A route as the security layer saw it registered: what the authorisation matrix is built from. */
export interface DeclaredRoute {
  readonly method: string;
  readonly url: string;
  /** Undefined when the route declares none: denied to every caller. */
  readonly scope: RouteScope | undefined;
  /** Request parts the route's schema describes, and whether each has inspector field kinds. */
  readonly parts: Readonly<Record<'params' | 'querystring' | 'body', { schema: boolean; kinds: boolean }>>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after the security layer, in order. */
    declaredRoutes: DeclaredRoute[];
  }
  interface FastifyRequest {
    /**
     * Who is calling, for cache scoping and per-key budgets: the API key id, `bootstrap` for the
     * config's admin key, `local` for the local admin when no key exists. Undefined only on public
     * routes called without a key.
     */
    tenant: string | undefined;
    /** The caller's key: scopes, rate limit and daily budget. Undefined exactly when tenant is. */
    principal: Principal | undefined;
    /** The outside agent whose token was presented (src/security/agents): set only by such a token. */
    agent: AgentPrincipal | undefined;
  }
  interface FastifyContextConfig {
    /** The scope a caller needs; `public` for health and docs, `agent` for /mcp. A route without one is denied to everyone. */
    scope?: RouteScope;
    /** Field kinds for the input inspector, per request part. */
    inspect?: RouteInspection;
  }
}

export {};
