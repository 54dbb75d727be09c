import type { FastifyInstance } from 'fastify';
import { AnvilError, isAnvilError } from '../../errors.js';
import { getWorkflow, listWorkflows, registerWorkflow } from '../../orchestrator/workflows.js';
import { parseWorkflowText, validateWorkflow } from '../../orchestrator/workflow/index.js';
import type { Runtime } from '../../runtime.js';
import { errorResponse, object, text } from '../schemas.js';
import { workflowView } from '../views.js';

// A workflow body is validated by the workflow schema itself (zod), which reports every problem
// with its path; the route schema only says it is an object (JSON) or a string (YAML).
// Field kinds of a workflow definition. Keys and model names are `name` here, not `identifier`:
// the workflow schema holds them to stricter patterns of its own and names the field and the
// expected shape, which /workflows/validate must be able to report. A YAML body is one string,
// inspected as text, then parsed and held to the same schema.
const workflowKinds = {
  body: {
    name: 'name',
    model: 'name',
    on_task_failure: 'name',
    'first_task.phase': 'name',
    'first_task.title': 'title',
    'phases[].key': 'name',
    'phases[].name': 'name',
    'phases[].model': 'name',
    'phases[].tools[]': 'name',
    'phases[].instructions': 'prompt',
    'params.*.type': 'name',
    '**': 'text',
  },
} as const;

const workflowBody = { anyOf: [{ type: 'object' }, { type: 'string', maxLength: 262_144 }] } as const;

function definitionFrom(body: unknown): unknown {
  return typeof body === 'string' ? parseWorkflowText(body, 'request body').definition : body;
}

export function registerWorkflowRoutes(app: FastifyInstance, { db }: Runtime): void {
  app.get('/workflows', { config: { scope: 'runs:read', responseCache: { ttlSeconds: 60, tags: () => ['workflows'] } }, schema: { tags: ['workflows'], summary: 'List workflows (latest version of each)' } }, async () => ({
    workflows: (await listWorkflows(db)).map(workflowView),
  }));

  app.post(
    '/workflows',
    {
      // Registrations that bypass this API (straight to the database) show after the list's TTL.
      config: { scope: 'runs:write', inspect: workflowKinds, invalidates: () => ['workflows'] },
      schema: { tags: ['workflows'], summary: 'Register a workflow version (JSON or YAML body)', body: workflowBody },
    },
    async (request, reply) => {
      const stored = await registerWorkflow(db, definitionFrom(request.body));
      return reply.status(stored.created ? 201 : 200).send(workflowView(stored));
    },
  );

  app.post(
    '/workflows/validate',
    { config: { scope: 'runs:read', inspect: workflowKinds }, schema: { tags: ['workflows'], summary: 'Validate a workflow without storing it', body: workflowBody } },
    async (request) => {
      try {
        const body = request.body;
        if (typeof body === 'string') parseWorkflowText(body, 'request body');
        else validateWorkflow(body, 'request body');
        return { valid: true, problems: [] };
      } catch (error) {
        if (isAnvilError(error) && error.code === 'WORKFLOW_INVALID') return { valid: false, problems: error.details?.problems ?? [] };
        throw error;
      }
    },
  );

  app.get(
    '/workflows/:id',
    { config: { scope: 'runs:read', inspect: { params: { id: 'identifier' } } }, schema: { tags: ['workflows'], summary: 'Get a workflow by id or name', params: object({ id: text(200, 1) }, ['id']), response: { 404: errorResponse } } },
    async (request) => {
      const { id } = request.params as { id: string };
      if (!/^[\w.-]+$/.test(id)) throw new AnvilError('WORKFLOW_NOT_FOUND', `workflow ${id} not found`, { id });
      return workflowView(await getWorkflow(db, id));
    },
  );
}
