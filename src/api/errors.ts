import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AnvilError, isAnvilError, type ErrorCode } from '../errors.js';
import { databaseUnavailable, isDatabaseUnavailable, unavailableReason } from '../store/unavailable.js';

/**
 * The one place errors become HTTP responses:
 * `{"error": {"code": "TASK_NOT_FOUND", "message": "…", "details": {…}}}`. Anvil's own errors
 * carry their status; Fastify's (schema validation, body parsing, size limits) are mapped to
 * codes from the registry; anything else is a 500 whose details stay in the log.
 */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export function toAnvilError(error: unknown): AnvilError {
  if (isAnvilError(error)) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const problems = fastifyError.validation.map((issue) => {
      const where = (issue.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
      const field =
        issue.keyword === 'additionalProperties'
          ? [where, String((issue.params as { additionalProperty?: string }).additionalProperty)].filter(Boolean).join('.')
          : issue.keyword === 'required'
            ? [where, String((issue.params as { missingProperty?: string }).missingProperty)].filter(Boolean).join('.')
            : where;
      const rule = issue.keyword === 'additionalProperties' ? 'unknown field' : issue.keyword === 'required' ? 'required' : issue.message ?? issue.keyword;
      return { field: `${fastifyError.validationContext ?? 'body'}${field ? `.${field}` : ''}`, rule };
    });
    return new AnvilError('VALIDATION_FAILED', problems.map((p) => `${p.field}: ${p.rule}`).join('; '), { problems });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AnvilError('BODY_TOO_LARGE', 'request body is larger than the configured limit (server.bodyLimitBytes)');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AnvilError('INVALID_JSON', `request body is not valid JSON: ${fastifyError.message}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AnvilError('UNSUPPORTED_MEDIA_TYPE', 'unsupported content type; send application/json');
    default:
      if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
        return new AnvilError(fastifyError.statusCode === 413 ? 'BODY_TOO_LARGE' : 'VALIDATION_FAILED', fastifyError.message);
      }
      if (isDatabaseUnavailable(error)) return databaseUnavailable(error);
      return new AnvilError('INTERNAL', 'internal error', undefined, { cause: error });
  }
}

export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const anvilError = toAnvilError(error);
  // An outage answers every request with 503 at once: one warning each, not an error with a stack.
  if (anvilError.statusCode === 503) request.log.warn({ code: anvilError.code, reason: unavailableReason(anvilError.cause ?? error) }, anvilError.message);
  else if (anvilError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: anvilError.code }, anvilError.message);
  const body: ErrorBody = { error: { code: anvilError.code, message: anvilError.message } };
  if (anvilError.details && anvilError.statusCode < 500) body.error.details = anvilError.details;
  // 503s are temporary by definition (a database, cache, provider or secrets backend that will be
  // back): say when to try again, unless the route already did.
  if (anvilError.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfterSeconds));
  return reply.status(anvilError.statusCode).send(body);
}

/** Retry-After of a 503: long enough for a pool reconnect, short enough for a restart. */
export const retryAfterSeconds = 2;
