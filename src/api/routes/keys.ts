import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { apiScopes, createApiKey, listKeys, revokeKey, type KeyVerifier } from '../../security/keys/index.js';
import { errorResponse, idParams, integer, object, text } from '../schemas.js';

/**
 * API keys (admin scope): create returns the whole key once; listings never carry the secret or
 * its hash; revoke keeps the row. A key created or revoked here takes effect in this process at
 * once, and in other processes within `security.keyCacheTtlMs`.
 */
export function registerKeyRoutes(app: FastifyInstance, { db }: Runtime, verifier: KeyVerifier): void {
  app.post(
    '/keys',
    {
      config: { scope: 'admin', inspect: { body: { name: 'name', 'scopes[]': 'identifier' } } },
      schema: {
        tags: ['keys'],
        summary: 'Create an API key; the response holds the key, shown this once',
        body: object(
          {
            name: text(100, 1),
            scopes: { type: 'array', items: { enum: apiScopes }, minItems: 1, maxItems: apiScopes.length, uniqueItems: true },
            rate_limit_per_minute: integer(1, 1_000_000),
            daily_budget_usd: { type: 'number', minimum: 0, maximum: 1_000_000 },
          },
          ['name', 'scopes'],
        ),
      },
    },
    async (request, reply) => {
      const body = request.body as { name: string; scopes: string[]; rate_limit_per_minute?: number; daily_budget_usd?: number };
      const created = await createApiKey(db, { name: body.name, scopes: body.scopes, rateLimitPerMinute: body.rate_limit_per_minute, dailyBudgetUsd: body.daily_budget_usd });
      verifier.invalidate();
      return reply.status(201).send({ ...created.view, key: created.key });
    },
  );

  app.get('/keys', { config: { scope: 'admin' }, schema: { tags: ['keys'], summary: 'List API keys (never their secrets)' } }, async () => ({ keys: await listKeys(db) }));

  app.delete(
    '/keys/:id',
    { config: { scope: 'admin', inspect: { params: { id: 'identifier' } } }, schema: { tags: ['keys'], summary: 'Revoke an API key', params: idParams, response: { 404: errorResponse } } },
    async (request) => {
      const revoked = await revokeKey(db, (request.params as { id: string }).id);
      verifier.invalidate();
      return revoked;
    },
  );
}
