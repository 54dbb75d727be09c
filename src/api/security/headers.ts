/**
 * Security headers (helmet's defaults: a same-origin Content-Security-Policy, nosniff, frame
 * denial, no referrer leaks, HSTS) and CORS from an allow-list. No origin is allowed by default
 * and `*` is refused by the config schema: the dashboard is served from the same origin and needs
 * no CORS; another origin must be named in `security.corsOrigins`.
 *
 * The headers do not depend on the request (no CSP nonces), so helmet runs once, at start, and
 * each response gets the header set it produced. @fastify/helmet builds a new helmet middleware
 * (parsing the CSP directives again) on every request, which was a measurable share of a cached
 * /v1/chat/completions answer (docs/benchmarks.md, "LLM gateway over HTTP").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import type { SecurityConfig } from '../../config/security-schema.js';

/** The headers helmet sets, computed once by running it against a recording response. */
export function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet({
    // helmet's default CSP says upgrade-insecure-requests: served over plain http on a LAN host,
    // the dashboard's own scripts would then be fetched over https and fail. TLS belongs to the
    // proxy in front, which can add the directive (and HSTS) itself.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  })({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

export async function registerSecurityHeaders(app: FastifyInstance, security: SecurityConfig): Promise<void> {
  const headers = helmetHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  if (security.corsOrigins.length === 0) return;
  await app.register(cors, {
    origin: security.corsOrigins,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'x-api-key', 'authorization', 'last-event-id', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    // Keys travel in headers, never cookies: credentialed CORS is not needed.
    credentials: false,
    maxAge: 600,
  });
}
