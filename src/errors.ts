/**
 * Typed errors. Every error Anvil raises on purpose is an AnvilError with a stable `code` from
 * the registry below, an HTTP status and structured details. The API maps them in one place
 * (src/api/errors.ts); a test checks that every code is documented in docs/errors.md.
 */

export const errorCodes = {
  VALIDATION_FAILED: { status: 400, description: 'A request or definition broke a schema rule; details name each field.' },
  INVALID_JSON: { status: 400, description: 'The request body is not valid JSON.' },
  WORKFLOW_INVALID: { status: 400, description: 'A workflow definition failed validation; details list each error with its path.' },
  CONFIG_INVALID: { status: 500, description: 'A setting is invalid; start-up stops with exit code 2.' },
  NOT_FOUND: { status: 404, description: 'No route matches the method and path.' },
  WORKFLOW_NOT_FOUND: { status: 404, description: 'No workflow with that id or name.' },
  RUN_NOT_FOUND: { status: 404, description: 'No run with that id.' },
  TASK_NOT_FOUND: { status: 404, description: 'No task with that id.' },
  RUN_STATE_CONFLICT: { status: 409, description: 'The run is not in a state that allows the operation.' },
  TASK_STATE_CONFLICT: { status: 409, description: 'The task is not in a state that allows the operation.' },
  WORKFLOW_VERSION_CONFLICT: { status: 409, description: 'That workflow name and version exist with a different definition.' },
  APPROVAL_NOT_REQUIRED: { status: 409, description: 'The phase has no approval gate (`approval: required`), so there is nothing to approve.' },
  REVIEW_ROUNDS_EXHAUSTED: { status: 409, description: "The run's result was reviewed the workflow's result.review.max_rounds times without being accepted; no further submission is reviewed." },
  LEASE_LOST: { status: 409, description: 'The worker no longer holds the lease on the task (fenced by attempt number).' },
  LIMIT_EXCEEDED: { status: 422, description: 'A run limit (max tasks, discovery depth) refused the operation.' },
  BODY_TOO_LARGE: { status: 413, description: 'The request body is larger than the configured limit.' },
  INPUT_REJECTED: { status: 400, description: 'The input inspector refused a field; details name the field path and the rule, never the value.' },
  INPUT_TOO_DEEP: { status: 400, description: 'A JSON body nests objects or arrays deeper than the configured limit.' },
  INPUT_ARRAY_TOO_LONG: { status: 400, description: 'A JSON array has more elements than the configured limit.' },
  INPUT_STRING_TOO_LONG: { status: 400, description: 'A string value or key is longer than the configured limit.' },
  INPUT_TOO_MANY_KEYS: { status: 400, description: 'A JSON object has more keys than the configured limit.' },
  HEADERS_TOO_LARGE: { status: 431, description: 'The request headers are larger than the configured limit.' },
  QUERY_TOO_MANY_PARAMETERS: { status: 400, description: 'The query string has more parameters than the configured limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The request body has a content type the route does not accept.' },
  MODEL_NOT_AVAILABLE: { status: 400, description: 'The model name cannot be resolved to a configured provider.' },
  DATABASE_LOCKED: { status: 503, description: 'Another process holds the embedded database folder.' },
  DATABASE_UNAVAILABLE: { status: 503, description: 'The database cannot be reached.' },
  CACHE_VALUE_UNSUPPORTED: { status: 500, description: 'A value given to the cache cannot round-trip (a function, symbol, class instance, NaN); details name the property.' },
  CACHE_UNAVAILABLE: { status: 503, description: 'The Redis cache failed and no memory fallback is configured for this store.' },
  SECRET_NOT_FOUND: { status: 500, description: 'No configured secrets backend holds the named secret; details name the secret and the backends asked, never a value.' },
  SECRET_BACKEND_FAILED: { status: 503, description: 'A secrets backend failed and no last good value was cached; details name the backend and the secret, never a value.' },
  AUDIT_EXCEPTION_INVALID: { status: 500, description: 'The security audit exceptions file is malformed; details name the entry and the problem.' },
  UNAUTHORIZED: { status: 401, description: 'No valid API key: none was sent (and keys exist), or the key is unknown, revoked or mistyped.' },
  FORBIDDEN: { status: 403, description: 'The API key lacks the scope the route requires, or the route declares no scope (denied by default); details name the scope.' },
  RATE_LIMITED: { status: 429, description: 'Too many requests for this key or IP in the current minute; retry-after says when to try again.' },
  API_KEY_NOT_FOUND: { status: 404, description: 'No API key with that id.' },
  TOOL_NOT_ALLOWED: { status: 403, description: "The task's phase does not offer that tool to its agents (the phase's `tools` list)." },
  AGENT_NOT_FOUND: { status: 404, description: 'No outside agent (invited to a run over MCP) with that id.' },
  BUDGET_EXCEEDED: { status: 402, description: 'A run or tenant budget (dollars or tokens) would be exceeded by the call, which was not sent; details name the scope, limit and spend.' },
  CACHE_MISS: { status: 504, description: 'x-anvil-cache: only-if-cached was asked and no cached answer exists for the request.' },
  PROVIDER_UNAVAILABLE: { status: 503, description: 'Every candidate model failed or has its circuit breaker open; retry later.' },
  PROVIDER_ERROR: { status: 502, description: 'The model provider answered with an error the gateway could not retry away; details carry its status.' },
  UNSUPPORTED_PARAMETER: { status: 400, description: 'A request parameter outside the supported OpenAI subset (docs/openai-compatibility.md); details name it.' },
  EMBEDDING_FAILED: { status: 502, description: 'The embedding model failed, or returned vectors of another length than embeddings.dimensions; details name the model and both lengths.' },
  WORKSPACE_PATH_ESCAPE: { status: 403, description: 'A workspace tool was given a path that leaves the run’s workspace folder: absolute, a .. segment, or through a symbolic link pointing outside; details name the tool and the path.' },
  WORKSPACE_PATH_INVALID: { status: 400, description: 'A workspace path is malformed: empty, a NUL byte, a percent-encoded separator or dot, a backslash or a Windows drive letter; details name the rule.' },
  WORKSPACE_FILE_NOT_FOUND: { status: 404, description: 'No file or folder at that path in the run’s workspace.' },
  WORKSPACE_FILE_TOO_LARGE: { status: 413, description: 'write_file content is larger than workspace.writeMaxBytes.' },
  WORKSPACE_COMMAND_NOT_ALLOWED: { status: 403, description: 'run_command named a program that is not on both allow-lists (workspace.commands in the config and in the workflow), or not found on workspace.path.' },
  WORKSPACE_COMMAND_REJECTED: { status: 400, description: 'run_command arguments carry shell syntax (; | & $ ` < > newline), a NUL byte, an absolute path or a .. segment; commands run without a shell, inside the workspace.' },
  INTERNAL: { status: 500, description: 'An unexpected failure; the log has the details under the request id.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCodes;

export class AnvilError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AnvilError';
    this.code = code;
    this.statusCode = errorCodes[code].status;
    this.details = details;
  }
}

export function isAnvilError(error: unknown): error is AnvilError {
  return error instanceof AnvilError;
}

/** Raised when a worker tries to finish a task attempt it no longer holds. */
export class LeaseLostError extends AnvilError {
  constructor(taskId: string, attempt: number) {
    super('LEASE_LOST', `task ${taskId} attempt ${attempt} is no longer held by this worker`, { taskId, attempt });
    this.name = 'LeaseLostError';
  }
}

export function notFound(code: 'WORKFLOW_NOT_FOUND' | 'RUN_NOT_FOUND' | 'TASK_NOT_FOUND', id: string): AnvilError {
  const noun = code.split('_')[0]!.toLowerCase();
  return new AnvilError(code, `${noun} ${id} not found`, { id });
}
