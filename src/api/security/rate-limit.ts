/**
 * Rate limits per key and per IP through @fastify/rate-limit: a request with a valid key (or the
 * local admin) counts against its key — the key's own `rate_limit_per_minute`, else
 * `security.rateLimit.perKeyPerMinute`; any other request counts against its IP at
 * `perIpPerMinute`; an outside agent's token counts against its agent at `perKeyPerMinute`. Answers carry `x-ratelimit-limit`, `x-ratelimit-remaining` and
 * `x-ratelimit-reset`; a refusal is 429 RATE_LIMITED with `retry-after` (seconds).
 * Health probes are exempt: a load balancer must not be locked out of /healthz.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cacheRedisClient } from '../../cache/index.js';
import { AnvilError } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { createRateLimitStore } from './rate-limit-store.js';
import './fastify-types.js';

const exemptPaths = new Set(['/healthz', '/readyz']);

export function rateLimitKey(request: FastifyRequest): string {
  if (request.agent) return `agent:${request.agent.id}`;
  return request.tenant ? `key:${request.tenant}` : `ip:${request.ip}`;
}

export async function registerRateLimit(app: FastifyInstance, runtime: Runtime): Promise<void> {
  const { perKeyPerMinute, perIpPerMinute } = runtime.config.security.rateLimit;
  const Store = createRateLimitStore({ redis: () => cacheRedisClient(runtime.cache), keyPrefix: `${runtime.config.cache.keyPrefix}ratelimit:` });
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
    max: (request: FastifyRequest) => (request.principal ? (request.principal.rateLimitPerMinute ?? perKeyPerMinute) : request.agent ? perKeyPerMinute : perIpPerMinute),
    allowList: (request: FastifyRequest) => exemptPaths.has(request.routeOptions.url ?? ''),
    store: Store as never,
    errorResponseBuilder: (_request, context) =>
      new AnvilError('RATE_LIMITED', `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`, {
        limit: context.max,
        retry_after_seconds: Math.ceil(context.ttl / 1000),
      }),
  });
}
