/**
 * The dashboard's only way to the server: the public REST API. Every request carries the
 * user's API key when one is set; every error becomes an ApiError with the API's code, so pages
 * can tell "not found" and "not available on this server" from a failure.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor({ status, code, message, details }: { status: number; code: string; message: string; details?: Record<string, unknown> }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Sent as is (a YAML workflow, say) instead of JSON. */
  rawBody?: { text: string; contentType: string };
  signal?: AbortSignal;
}

export interface ApiClient {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  /** Headers every request carries (the API key): the event stream sends them too. */
  headers(): Record<string, string>;
  readonly baseUrl: string;
}

export interface ApiClientOptions {
  /** Origin of the server; '' (the default) is the page's own origin. */
  baseUrl?: string;
  /** Read on every request, so a key changed in Settings applies at once. */
  apiKey?: () => string | undefined;
  fetch?: typeof fetch;
}

export function createApiClient({ baseUrl = '', apiKey = () => undefined, fetch: fetchFunction = (...args) => fetch(...args) }: ApiClientOptions = {}): ApiClient {
  const headers = (): Record<string, string> => {
    const key = apiKey();
    return key ? { 'x-api-key': key } : {};
  };

  async function request<T>(path: string, { method = 'GET', body, rawBody, signal }: RequestOptions = {}): Promise<T> {
    const requestHeaders: Record<string, string> = { accept: 'application/json', ...headers() };
    let payload: string | undefined;
    if (rawBody) {
      requestHeaders['content-type'] = rawBody.contentType;
      payload = rawBody.text;
    } else if (body !== undefined) {
      requestHeaders['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await fetchFunction(`${baseUrl}${path}`, { method, headers: requestHeaders, body: payload, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError({ status: 0, code: 'NETWORK', message: 'the server could not be reached' });
    }
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
      throw new ApiError({ status: response.status, code: error?.code ?? `HTTP_${response.status}`, message: error?.message ?? response.statusText, details: error?.details });
    }
    return parsed as T;
  }

  return {
    baseUrl,
    headers,
    request,
    get: (path, signal) => request(path, { signal }),
    post: (path, body) => request(path, { method: 'POST', body }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A 404 for a whole route (not for one missing thing) means the server does not offer it. */
export function isRouteMissing(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.code === 'NOT_FOUND';
}
