import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { retryAfterSeconds } from '../errors.js';
import { unavailableReason } from '../../store/unavailable.js';

/**
 * /healthz: the process is alive. /readyz: it should be sent traffic: 503 while the database is
 * unreachable (with the reason, so an operator sees "ECONNREFUSED" or "timeout exceeded" in the
 * probe) and while the process drains at shutdown; a degraded cache still serves, from memory.
 */
export function registerHealthRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get('/healthz', { schema: { hide: true }, config: { scope: 'public' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true }, config: { scope: 'public' } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    const reasons: Record<string, string> = {};
    try {
      await runtime.db.query('SELECT 1');
      checks.database = 'ok';
    } catch (error) {
      checks.database = 'unreachable';
      reasons.database = unavailableReason(error);
    }
    checks.cache = runtime.cacheState?.() ?? 'ok';
    const draining = runtime.lifecycle.draining;
    const ready = checks.database === 'ok' && !draining;
    if (!ready) reply.header('retry-after', String(retryAfterSeconds));
    const status = draining ? 'draining' : ready ? 'ready' : 'unavailable';
    return reply.status(ready ? 200 : 503).send({ status, ...checks, ...(Object.keys(reasons).length > 0 ? { reasons } : {}) });
  });
}
