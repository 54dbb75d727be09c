import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { costSeries, type CostSeriesBucket } from '../../store/cost-series.js';
import { object, uuid } from '../schemas.js';
import { parseDate } from './costs.js';

const dateText = { type: 'string', minLength: 10, maxLength: 40 } as const;

/** GET /api/v1/costs/series: spend, savings and cache hits per hour or day, by model and kind. */
export function registerCostSeriesRoutes(app: FastifyInstance, { db }: Runtime): void {
  app.get(
    '/costs/series',
    {
      config: { scope: 'runs:read', responseCache: { ttlSeconds: 30, tags: () => ['costs'] }, inspect: { query: { run: 'identifier', since: 'identifier', until: 'identifier', bucket: 'identifier' } } },
      schema: {
        tags: ['costs'],
        summary: 'LLM spend, dollars saved and cache hits per hour or day, by model and kind (at most 5,000 rows)',
        querystring: object({ run: uuid, since: dateText, until: dateText, bucket: { enum: ['hour', 'day'] } }),
      },
    },
    async (request) => {
      const query = request.query as { run?: string; since?: string; until?: string; bucket?: CostSeriesBucket };
      const bucket = query.bucket ?? 'day';
      const since = query.since ? parseDate(query.since, 'querystring.since') : new Date(Date.now() - 30 * 86_400_000);
      const until = query.until ? parseDate(query.until, 'querystring.until') : undefined;
      const rows = await costSeries(db, { runId: query.run, since, until, bucket });
      return { bucket, since: since.toISOString(), until: until?.toISOString() ?? null, run: query.run ?? null, rows };
    },
  );
}
