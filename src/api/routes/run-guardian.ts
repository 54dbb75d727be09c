import type { FastifyInstance } from 'fastify';
import { guardianReport } from '../../orchestrator/guardian/report.js';
import type { Runtime } from '../../runtime.js';
import { errorResponse, idParams, object, uuid } from '../schemas.js';

/** The guardian's verdicts in a run and its spend there (orchestrator/guardian/report.ts). */
export function registerRunGuardianRoutes(app: FastifyInstance, { db }: Runtime): void {
  app.get(
    '/runs/:id/guardian',
    {
      config: { scope: 'runs:read', inspect: { params: { id: 'identifier' }, query: { task: 'identifier' } } },
      schema: {
        tags: ['runs'],
        summary: "The guardian's verdicts in a run (optionally one task's), oldest first, and what it spent: tokens, dollars, share of the run",
        params: idParams,
        querystring: object({ task: uuid }),
        response: { 404: errorResponse },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { task } = request.query as { task?: string };
      return guardianReport(db, id, { taskId: task });
    },
  );
}
