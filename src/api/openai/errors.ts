import { APICallError } from '@ai-sdk/provider';
import { isAnvilError } from '../../errors.js';
import { toAnvilError } from '../errors.js';

/**
 * Errors under /v1 in OpenAI's format, `{"error": {"message", "type", "param", "code"}}`, with
 * the status codes OpenAI uses, so OpenAI clients raise their usual exception classes. A provider
 * error the gateway could not retry away keeps its status (429 stays 429, 400 stays 400), except
 * that a provider's own failure is a bad gateway: 500 and the other 5xx become 502 (503 and 504
 * keep their meaning), so a 500 from Anvil always means Anvil itself failed.
 */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const typeByStatus: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
};

function upstreamStatus(status: number | undefined): number {
  if (status === undefined) return 502;
  if (status >= 500) return status === 503 || status === 504 ? status : 502;
  return status;
}

export function openAiError(error: unknown): { status: number; body: OpenAiErrorBody; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  if (!isAnvilError(error) && APICallError.isInstance(error)) {
    const status = upstreamStatus(error.statusCode);
    const retryAfter = error.responseHeaders?.['retry-after'];
    if (retryAfter) headers['retry-after'] = retryAfter;
    return { status, headers, body: { error: { message: `provider error: ${error.message}`, type: typeByStatus[status] ?? 'api_error', param: null, code: 'provider_error' } } };
  }
  const anvilError = toAnvilError(error);
  const status = anvilError.statusCode;
  const param = typeof anvilError.details?.param === 'string' ? anvilError.details.param : null;
  // Budget refusals must not be retried by clients that retry 429s: 402 with a clear code.
  if (anvilError.code === 'BUDGET_EXCEEDED') headers['x-should-retry'] = 'false';
  return {
    status,
    headers,
    body: {
      error: {
        message: anvilError.message,
        type: typeByStatus[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
        param,
        code: anvilError.code.toLowerCase(),
      },
    },
  };
}
