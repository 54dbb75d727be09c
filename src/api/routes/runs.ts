import type { FastifyInstance } from 'fastify';
import { AnvilError } from '../../errors.js';
import { cancelRun, getRun, listRuns, resumeRun, startRun } from '../../orchestrator/runs.js';
import { describeRun, describeRuns } from '../../orchestrator/run-summary.js';
import { createTask, getTask } from '../../orchestrator/tasks.js';
import type { Runtime } from '../../runtime.js';
import { boardPage, decodeCursor, encodeCursor } from '../../store/tasks-board.js';
import type { RunStatus, TaskStatus } from '../../store/rows.js';
import { runTag } from '../response-cache-invalidation.js';
import { errorResponse, idParams, integer, object, pageQuery, runStatuses, taskStatuses, text, uuid } from '../schemas.js';
import { streamRunEvents } from '../sse.js';
import { taskView } from '../views.js';

// Response caching (response-cache.ts): reads name their tags; writes name what they make stale.
const runIdTag = (request: { params: unknown }) => [runTag((request.params as { id: string }).id)];
const runWrite = (request: { params: unknown }) => [...runIdTag(request), 'runs', 'system'];

const paramValue = { anyOf: [{ type: 'string', maxLength: 10_000 }, { type: 'number' }, { type: 'boolean' }] };

export function registerRunRoutes(app: FastifyInstance, runtime: Runtime): void {
  const { db } = runtime;

  app.post(
    '/runs',
    {
      config: { scope: 'runs:write', inspect: { body: { workflow: 'identifier', goal: 'prompt', 'params.*': 'text' } }, invalidates: () => ['runs', 'system'] },
      schema: {
        tags: ['runs'],
        summary: 'Start a run of a workflow toward a goal',
        body: object(
          { workflow: text(200, 1), goal: text(20_000, 1), params: { type: 'object', additionalProperties: paramValue, maxProperties: 100 } },
          ['workflow', 'goal'],
        ),
      },
    },
    async (request, reply) => {
      const body = request.body as { workflow: string; goal: string; params?: Record<string, unknown> };
      const simulated = runtime.models.resolve(runtime.models.defaultModelName()).simulated;
      // The caller's key is the run's tenant: its agents' calls count against that key's budget.
      const run = await startRun(db, { workflow: body.workflow, goal: body.goal, params: body.params ?? {}, simulated, tenant: request.tenant ?? 'local' });
      return reply.status(201).send(await describeRun(db, run));
    },
  );

  app.get(
    '/runs',
    {
      config: { scope: 'runs:read', inspect: { query: { status: 'identifier', limit: 'identifier', cursor: 'identifier' } }, responseCache: { ttlSeconds: 30, tags: () => ['runs'] } },
      schema: { tags: ['runs'], summary: 'List runs, newest first', querystring: object({ status: { enum: runStatuses }, ...pageQuery }) },
    },
    async (request) => {
      const query = request.query as { status?: RunStatus; limit?: number; cursor?: string };
      const limit = query.limit ?? 50;
      const before = query.cursor ? decodeRunCursor(query.cursor) : undefined;
      const runs = await listRuns(db, { status: query.status, limit: limit + 1, before });
      const page = runs.slice(0, limit);
      const last = page[page.length - 1];
      const next = runs.length > limit && last ? Buffer.from(JSON.stringify({ createdAt: last.created_at_key, id: last.id })).toString('base64url') : null;
      return { runs: await describeRuns(db, page), next_cursor: next };
    },
  );

  app.get('/runs/:id', { config: { scope: 'runs:read', inspect: { params: { id: 'identifier' } }, responseCache: { ttlSeconds: 30, tags: runIdTag } }, schema: { tags: ['runs'], summary: 'Get a run with per-phase task counts, tokens and cost', params: idParams, response: { 404: errorResponse } } }, async (request) =>
    describeRun(db, await getRun(db, (request.params as { id: string }).id)),
  );

  app.post('/runs/:id/cancel', { config: { scope: 'runs:write', inspect: { params: { id: 'identifier' } }, invalidates: runWrite }, schema: { tags: ['runs'], summary: 'Cancel a run', params: idParams, response: { 404: errorResponse, 409: errorResponse } } }, async (request) =>
    describeRun(db, await cancelRun(db, (request.params as { id: string }).id)),
  );

  app.post('/runs/:id/resume', { config: { scope: 'runs:write', inspect: { params: { id: 'identifier' } }, invalidates: runWrite }, schema: { tags: ['runs'], summary: 'Resume a paused run', params: idParams, response: { 404: errorResponse, 409: errorResponse } } }, async (request) =>
    describeRun(db, await resumeRun(db, (request.params as { id: string }).id)),
  );

  app.get(
    '/runs/:id/events',
    {
      config: { scope: 'runs:read', inspect: { params: { id: 'identifier' }, query: { after: 'identifier' } } },
      schema: {
        tags: ['runs'],
        summary: 'Server-Sent Events of a run; resumable with Last-Event-ID (or ?after=SEQ)',
        params: idParams,
        querystring: object({ after: integer(0, Number.MAX_SAFE_INTEGER) }),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await getRun(db, id);
      const header = request.headers['last-event-id'];
      const fromHeader = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : undefined;
      const after = fromHeader ?? (request.query as { after?: number }).after ?? 0;
      await streamRunEvents({ runtime, request, reply, runId: id, afterSeq: after });
    },
  );

  app.get(
    '/runs/:id/tasks',
    {
      config: { scope: 'runs:read', inspect: { params: { id: 'identifier' }, query: { phase: 'identifier', status: 'identifier', limit: 'identifier', cursor: 'identifier' } } },
      schema: {
        tags: ['tasks'],
        summary: "A run's tasks (the board), by status and priority, with cursor pagination",
        params: idParams,
        querystring: object({ phase: text(63, 1), status: { enum: taskStatuses }, ...pageQuery }),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const query = request.query as { phase?: string; status?: TaskStatus; limit?: number; cursor?: string };
      await getRun(db, id);
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      if (query.cursor && !after) throw new AnvilError('VALIDATION_FAILED', 'querystring.cursor: not a cursor this API issued', { field: 'querystring.cursor' });
      const page = await boardPage(db, { runId: id, phase: query.phase, status: query.status, after, limit: query.limit ?? 50 });
      return { tasks: page.tasks.map(taskView), next_cursor: page.next ? encodeCursor(page.next) : null };
    },
  );

  app.post(
    '/runs/:id/tasks',
    {
      config: { scope: 'runs:write', inspect: { params: { id: 'identifier' }, body: { phase: 'identifier', title: 'title', description: 'text', 'depends_on[]': 'identifier' } }, invalidates: runWrite },
      schema: {
        tags: ['tasks'],
        summary: 'Create a task by hand',
        params: idParams,
        body: object(
          { phase: text(63, 1), title: text(300, 1), description: text(20_000), priority: integer(-100, 100), depends_on: { type: 'array', items: uuid, maxItems: 50 } },
          ['phase', 'title'],
        ),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as { phase: string; title: string; description?: string; priority?: number; depends_on?: string[] };
      await getRun(db, id);
      const created = await createTask(db, {
        runId: id,
        phase: body.phase,
        title: body.title,
        description: body.description,
        priority: body.priority,
        dependsOn: body.depends_on,
        createdBy: 'api',
      });
      const task = await getTask(db, created.task.id);
      return reply.status(created.duplicate ? 200 : 201).send({ ...taskView(task), duplicate: created.duplicate });
    },
  );
}

function decodeRunCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { createdAt: string; id: string };
    if (!Number.isNaN(Date.parse(value.createdAt)) && /^[0-9a-f-]{36}$/i.test(value.id)) return value;
  } catch {
    // fall through to the error below
  }
  throw new AnvilError('VALIDATION_FAILED', 'querystring.cursor: not a cursor this API issued', { field: 'querystring.cursor' });
}
