import type { FastifyInstance } from 'fastify';
import { AnvilError } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { object, text } from '../schemas.js';

/**
 * Invalidation of the LLM response cache (admin scope): every cached answer of a tenant (an API
 * key's id, `bootstrap` or `local`), of a model, of both, or matching a glob over the response
 * keys (`<tenant>:<model>:<sha256>`, segments percent-encoded as in llm/gateway/cache-key.ts).
 * With Redis the removal reaches every process; with the memory cache, this process only.
 */
export function registerLlmCacheRoutes(app: FastifyInstance, { gateway }: Runtime): void {
  app.post(
    '/llm-cache/invalidate',
    {
      config: { scope: 'admin', inspect: { body: { tenant: 'identifier', model: 'identifier', pattern: 'text' } } },
      schema: {
        tags: ['costs'],
        summary: 'Remove cached LLM answers by tenant, model or key pattern; answers how many were removed',
        body: {
          ...object({
            tenant: text(200, 1),
            model: text(200, 1),
            // A Redis glob: the characters of encoded key segments, and * ? [ ] ^ !.
            pattern: { type: 'string', minLength: 1, maxLength: 400, pattern: '^[A-Za-z0-9_.:/@%~*?\\[\\]^!+-]+$' },
          }),
          minProperties: 1,
        },
      },
    },
    async (request) => {
      const body = request.body as { tenant?: string; model?: string; pattern?: string };
      if (body.pattern !== undefined && (body.tenant !== undefined || body.model !== undefined)) {
        throw new AnvilError('VALIDATION_FAILED', 'body.pattern: give a pattern alone, or tenant and/or model (the pattern already names both)', { field: 'body.pattern' });
      }
      const removed = await gateway.invalidate(body);
      request.log.info({ ...body, removed }, 'LLM cache entries invalidated');
      return { removed };
    },
  );
}
