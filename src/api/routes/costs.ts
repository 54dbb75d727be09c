import type { FastifyInstance } from 'fastify';
import { costReport, parseReportDate as parseDate } from '../../llm/index.js';

/** Other cost routes parse their dates the same way. */
export { parseDate };
import type { Runtime } from '../../runtime.js';
import { object, uuid } from '../schemas.js';

const dateText = { type: 'string', minLength: 10, maxLength: 40 } as const;

/** GET /api/v1/costs: the LLM ledger report (llm/costs.ts); `since` defaults to 30 days ago. */
export function registerCostRoutes(app: FastifyInstance, { db }: Runtime): void {
  app.get(
    '/costs',
    {
      config: { scope: 'runs:read', responseCache: { ttlSeconds: 30, tags: () => ['costs'] }, inspect: { query: { run: 'identifier', since: 'identifier', until: 'identifier' } } },
      schema: {
        tags: ['costs'],
        summary: 'LLM spend, tokens and calls by run, model, kind and day; cache hit rate, calls avoided, dollars saved',
        querystring: object({ run: uuid, since: dateText, until: dateText }),
      },
    },
    async (request) => {
      const query = request.query as { run?: string; since?: string; until?: string };
      const since = query.since ? parseDate(query.since, 'querystring.since') : new Date(Date.now() - 30 * 86_400_000);
      const until = query.until ? parseDate(query.until, 'querystring.until') : undefined;
      return costReport(db, { runId: query.run, since, until });
    },
  );
}
