import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';

/**
 * GET /metrics: the runtime's registry in Prometheus' text format. Needs the `metrics:read` scope
 * once API keys exist (Prometheus sends one as `Authorization: Bearer`); not registered at all
 * when `observability.metrics` is false.
 */
export function registerMetricsRoute(app: FastifyInstance, runtime: Runtime): void {
  const metrics = runtime.metrics;
  if (!metrics) return;
  app.get('/metrics', { schema: { hide: true }, config: { scope: 'metrics:read' } }, async (_request, reply) => {
    const text = await metrics.render();
    return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(text);
  });
}
