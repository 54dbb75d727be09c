import type { FastifyInstance } from 'fastify';
import { AnvilError } from '../../errors.js';
import { getRun } from '../../orchestrator/runs.js';
import type { Runtime } from '../../runtime.js';
import { boardPage, decodeCursor, encodeCursor } from '../../store/tasks-board.js';
import { errorResponse, idParams, integer, object, text } from '../schemas.js';
import { taskView } from '../views.js';

/**
 * A run's whole board in one read for a page that opens it: the run's last event seq, read before
 * the tasks, and up to 2,000 tasks per page (the task list pages by 200). Following the event
 * stream from `last_seq` then converges on the live board: events the snapshot already shows
 * replay harmlessly, and none after it are missed. One round trip instead of one per 200 tasks.
 */
export function registerRunBoardRoutes(app: FastifyInstance, { db }: Runtime): void {
  app.get(
    '/runs/:id/board',
    {
      config: { scope: 'runs:read', inspect: { params: { id: 'identifier' }, query: { limit: 'identifier', cursor: 'identifier' } } },
      schema: {
        tags: ['runs'],
        summary: "A run's tasks (up to 2,000 a page) with the run's last event seq, read first: a snapshot to follow with the event stream",
        params: idParams,
        querystring: object({ limit: integer(1, 2_000), cursor: text(500) }),
        response: { 404: errorResponse },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const query = request.query as { limit?: number; cursor?: string };
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      if (query.cursor && !after) throw new AnvilError('VALIDATION_FAILED', 'querystring.cursor: not a cursor this API issued', { field: 'querystring.cursor' });
      const run = await getRun(db, id);
      const page = await boardPage(db, { runId: id, after, limit: query.limit ?? 2_000 });
      return { last_seq: Number(run.event_seq), tasks: page.tasks.map(taskView), next_cursor: page.next ? encodeCursor(page.next) : null };
    },
  );
}
