import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Serves the dashboard (the Vite build of web/) at `/`, with an SPA fallback: a GET for a page
 * path the server does not know (`/runs/…`) answers index.html so the app's router can show it.
 * Paths that belong to the API and other machine interfaces keep their JSON 404, and so do paths
 * that look like files, so a missing asset is never answered with HTML.
 */
export interface DashboardOptions {
  /** Folder holding index.html and assets/; default: dist/web beside the compiled server, else web/dist. */
  directory?: string;
}

const machinePrefixes = ['/api/', '/v1/', '/mcp', '/metrics', '/healthz', '/readyz'];

export function findDashboardDirectory(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/api/dashboard.js → dist/web; src/api/dashboard.ts (tsx, tests) → web/dist.
  const candidates = [resolve(here, '../web'), resolve(here, '../../web/dist')];
  return candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
}

export async function registerDashboard(app: FastifyInstance, { directory = findDashboardDirectory() }: DashboardOptions = {}): Promise<void> {
  if (!directory) {
    app.get('/', { schema: { hide: true }, config: { scope: 'public' } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><title>Anvil</title><p>The dashboard is not built. Run <code>npm run build</code>; the API is at <a href="/api/docs">/api/docs</a>.</p>'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: directory,
    prefix: '/',
    // Routes for the files present at start: the build is immutable while the server runs.
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders(response, path) {
      // Vite names assets by content hash, so they never change; index.html must be revalidated.
      const immutable = /[\\/]assets[\\/]/.test(path);
      response.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true }, config: { scope: 'public' } }, async (request, reply) => {
    if (!isPagePath(request)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}

function isPagePath(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '/';
  if (machinePrefixes.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))) return false;
  return !/\.[a-z0-9]{1,8}$/i.test(path);
}
