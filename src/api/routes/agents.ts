import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { inviteAgent, listAgents, revokeAgent } from '../../security/agents/index.js';
import { errorResponse, idParams, integer, object, text } from '../schemas.js';

/**
 * Outside agents of a run (docs/mcp.md): inviting one returns its token, shown this once; the
 * token opens /mcp for that run only. Listings never carry a token or its hash. A revocation
 * takes effect at the agent's next request, in every process (tokens are not cached).
 */
export function registerAgentRoutes(app: FastifyInstance, { db, config }: Runtime): void {
  app.post(
    '/runs/:id/agents',
    {
      config: { scope: 'runs:write', inspect: { params: { id: 'identifier' }, body: { name: 'name' } } },
      schema: {
        tags: ['agents'],
        summary: 'Invite an outside agent to the run; the response holds its token, shown this once',
        params: idParams,
        body: object({
          name: text(100, 1),
          ttl_seconds: { anyOf: [integer(60, 31_536_000), { type: 'null' }], description: 'token lifetime; null: never expires; default mcp.tokenTtlSeconds' },
        }),
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as { name?: string; ttl_seconds?: number | null };
      const ttlSeconds = body.ttl_seconds === undefined ? config.mcp.tokenTtlSeconds : body.ttl_seconds;
      const invited = await inviteAgent(db, { runId: (request.params as { id: string }).id, name: body.name ?? 'outside agent', ttlSeconds });
      return reply.status(201).send({ ...invited.view, token: invited.token });
    },
  );

  app.get(
    '/runs/:id/agents',
    { config: { scope: 'runs:read', inspect: { params: { id: 'identifier' } } }, schema: { tags: ['agents'], summary: "A run's outside agents (never their tokens)", params: idParams, response: { 404: errorResponse } } },
    async (request) => ({ agents: await listAgents(db, (request.params as { id: string }).id) }),
  );

  app.delete(
    '/agents/:id',
    { config: { scope: 'runs:write', inspect: { params: { id: 'identifier' } } }, schema: { tags: ['agents'], summary: "Revoke an outside agent's token", params: idParams, response: { 404: errorResponse } } },
    async (request) => revokeAgent(db, (request.params as { id: string }).id),
  );
}
