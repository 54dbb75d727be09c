import type { FastifyInstance } from 'fastify';
import { getRun } from '../../orchestrator/runs.js';
import type { Runtime } from '../../runtime.js';
import { eventsBefore } from '../../store/events.js';
import { errorResponse, idParams, integer, object } from '../schemas.js';

/**
 * A run's recent events as JSON, oldest first, with the run's last event seq. A page that opens
 * mid-run reads this first, then the tasks, then the SSE stream from `last_seq`: replaying the
 * events after that seq over a snapshot taken later converges on the same state, and nothing is
 * replayed from the start of a long run.
 */
export function registerRunEventRoutes(app: FastifyInstance, { db }: Runtime): void {
  app.get(
    '/runs/:id/events/history',
    {
      config: { scope: 'runs:read', inspect: { params: { id: 'identifier' }, query: { before: 'identifier', limit: 'identifier' } } },
      schema: {
        tags: ['runs'],
        summary: "A run's events before a seq (default: the latest), oldest first, with the run's last seq",
        params: idParams,
        querystring: object({ before: integer(1, Number.MAX_SAFE_INTEGER), limit: integer(1, 500) }),
        response: { 404: errorResponse },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const query = request.query as { before?: number; limit?: number };
      const run = await getRun(db, id);
      const lastSeq = Number(run.event_seq);
      const rows = await eventsBefore(db, id, query.before ?? lastSeq + 1, query.limit ?? 100);
      return {
        last_seq: lastSeq,
        events: rows.reverse().map((event) => ({
          seq: Number(event.seq),
          type: event.type,
          task_id: event.task_id,
          payload: event.payload,
          created_at: new Date(event.created_at).toISOString(),
        })),
      };
    },
  );
}
