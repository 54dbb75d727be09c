import type { DeclaredRoute } from '../../src/api/security/index.js';

/** Routes a caller reaches on purpose: HEAD mirrors GET, and the CORS preflight is not an operation. */
export function matrixRoutes(routes: readonly DeclaredRoute[]): DeclaredRoute[] {
  return routes.filter((route) => route.method !== 'HEAD' && !(route.method === 'OPTIONS' && route.url === '*') && !route.url.startsWith('/api/docs/'));
}

/** The authorisation matrix of docs/security.md, generated from the routes a server registered. */
export function authorisationMatrixTable(routes: readonly DeclaredRoute[]): string {
  const rows = matrixRoutes(routes)
    .filter((route) => route.scope !== undefined)
    .map((route) => {
      const scope = route.scope!;
      const noKey = scope === 'public' ? 'allowed' : '401';
      const wrong = scope === 'public' ? 'allowed' : '403';
      const right = scope === 'public' ? 'allowed' : scope === 'admin' ? 'admin: allowed' : scope === 'agent' ? "an outside agent's token (no API key): allowed" : `${scope} or admin: allowed`;
      return `| \`${route.method} ${route.url}\` | \`${scope}\` | ${noKey} | ${wrong} | ${right} |`;
    })
    .sort();
  return ['| route | scope | no key | key without the scope | key with the scope |', '|---|---|---|---|---|', ...rows].join('\n');
}
