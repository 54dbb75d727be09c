/**
 * JSON Schema building blocks for route declarations. Objects are closed
 * (additionalProperties: false), and Ajv is set not to strip unknown fields, so an unknown
 * field is a 400 that names it, never silently dropped.
 */
export const uuid = { type: 'string', format: 'uuid' } as const;
// Ids are checked by the lookup, so an id of the wrong shape is a 404 like any unknown id.
export const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['id'], additionalProperties: false } as const;

export function object(properties: Record<string, unknown>, required: string[] = []) {
  return { type: 'object', properties, required, additionalProperties: false } as const;
}

export const text = (maxLength: number, minLength = 0) => ({ type: 'string', minLength, maxLength }) as const;
export const integer = (minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum }) as const;

export const taskStatuses = ['queued', 'running', 'in_review', 'done', 'failed', 'blocked', 'waiting_human', 'cancelled'] as const;
export const runStatuses = ['pending', 'running', 'paused', 'succeeded', 'failed', 'cancelled'] as const;

export const errorResponse = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

export const pageQuery = {
  limit: integer(1, 200),
  cursor: text(500),
} as const;
