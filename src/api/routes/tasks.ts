import type { FastifyInstance } from 'fastify';
import { cancelTask, getTaskWithSessions, reprioritizeTask, retryTask } from '../../orchestrator/tasks.js';
import type { Runtime } from '../../runtime.js';
import { errorResponse, idParams, integer, object } from '../schemas.js';
import { questionsOfTask } from '../../store/human-questions.js';
import { iso, taskView } from '../views.js';
import { taskGate } from '../../orchestrator/human/approvals.js';
import { questionView } from './people.js';

export function registerTaskRoutes(app: FastifyInstance, { db }: Runtime): void {
  app.get('/tasks/:id', { config: { scope: 'runs:read', inspect: { params: { id: 'identifier' } } }, schema: { tags: ['tasks'], summary: 'A task with its agent sessions and their steps', params: idParams, response: { 404: errorResponse } } }, async (request) => {
    const { task, sessions } = await getTaskWithSessions(db, (request.params as { id: string }).id);
    return {
      ...taskView(task),
      // What the task's agents asked people (ask_human), with the answers given.
      questions: (await questionsOfTask(db, task.id)).map(questionView),
      // The approval gate of the task's phase, when it has one.
      approval: await taskGate(db, task),
      sessions: sessions.map((session) => ({
        id: session.id,
        attempt: session.attempt,
        worker_id: session.worker_id,
        model: session.model,
        simulated: session.simulated,
        status: session.status,
        resumed_from: session.resumed_from,
        steps: session.step_list.map((step) => ({ index: step.index, kind: step.kind, payload: step.payload, usage: step.usage, created_at: iso(step.created_at) })),
        tokens: { input: Number(session.tokens_input), output: Number(session.tokens_output) },
        cost_usd: Number(session.cost_usd),
        error: session.error,
        started_at: iso(session.started_at),
        finished_at: iso(session.finished_at),
      })),
    };
  });

  app.post('/tasks/:id/retry', { config: { scope: 'runs:write', inspect: { params: { id: 'identifier' } } }, schema: { tags: ['tasks'], summary: 'Queue a failed or cancelled task again', params: idParams, response: { 404: errorResponse, 409: errorResponse } } }, async (request) =>
    taskView(await retryTask(db, (request.params as { id: string }).id)),
  );

  app.post('/tasks/:id/cancel', { config: { scope: 'runs:write', inspect: { params: { id: 'identifier' } } }, schema: { tags: ['tasks'], summary: 'Cancel a task', params: idParams, response: { 404: errorResponse, 409: errorResponse } } }, async (request) =>
    taskView(await cancelTask(db, (request.params as { id: string }).id)),
  );

  app.patch(
    '/tasks/:id',
    { config: { scope: 'runs:write', inspect: { params: { id: 'identifier' }, body: { priority: 'identifier' } } }, schema: { tags: ['tasks'], summary: "Change a task's priority", params: idParams, body: object({ priority: integer(-100, 100) }, ['priority']), response: { 404: errorResponse } } },
    async (request) => taskView(await reprioritizeTask(db, (request.params as { id: string }).id, (request.body as { priority: number }).priority)),
  );
}
