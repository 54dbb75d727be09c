import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';

/**
 * The `fetch` the AI SDK providers are given: requests go through `undici.request` on one
 * keep-alive Agent (a connection pool per provider origin) instead of Node's global `fetch`.
 *
 * Why: the global fetch runs the whole WHATWG pipeline per call (a Request, a Headers guard, CORS
 * and redirect bookkeeping, a web stream for the body); under load it cost several times what the
 * HTTP exchange itself costs (docs/benchmarks.md, "LLM gateway over HTTP"). `undici.request` is
 * the same client without that layer. What the providers read back is still a real `Response`,
 * built from the status, headers and body, so their response handlers work unchanged.
 *
 * fetch's failure contract is kept where the providers and the retry policy depend on it: a
 * network fault rejects with `TypeError('fetch failed')` carrying the cause (its `code` is what
 * retry.ts recognises), and an aborted call rejects with the signal's reason. Redirects are not
 * followed (model APIs answer POSTs directly). Bodies other than strings and bytes (form uploads)
 * and Request objects go through the global fetch on the same Agent.
 */
export interface PooledFetchOptions {
  /** Connections kept per origin; default 256. */
  connections?: number;
  /** How long an idle connection is kept; default 30 000 ms. */
  keepAliveTimeoutMs?: number;
  /** Longest wait for a response's headers; default 10 minutes (a model may think for long before its first byte). */
  headersTimeoutMs?: number;
}

export interface PooledFetch {
  fetch: typeof globalThis.fetch;
  close(): Promise<void>;
}

/** Statuses whose Response may not have a body (the Response constructor throws otherwise). */
const nullBodyStatus = new Set([101, 204, 205, 304]);

export function createPooledFetch({ connections = 256, keepAliveTimeoutMs = 30_000, headersTimeoutMs = 600_000 }: PooledFetchOptions = {}): PooledFetch {
  const agent = new Agent({ connections, keepAliveTimeout: keepAliveTimeoutMs, headersTimeout: headersTimeoutMs, bodyTimeout: 0, pipelining: 1 });

  const pooledFetch = async function pooledFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const body = init?.body;
    if (input instanceof Request || (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array))) {
      return globalThis.fetch(input, { ...init, dispatcher: agent } as RequestInit);
    }
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) throw abortReason(signal);
    let answer: Dispatcher.ResponseData;
    try {
      answer = await request(input, {
        method: (init?.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: plainHeaders(init?.headers),
        body: body as string | Uint8Array | null | undefined,
        signal,
        dispatcher: agent,
      });
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      throw new TypeError('fetch failed', { cause: error });
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else if (value !== undefined) headers.append(name, value);
    }
    if (nullBodyStatus.has(answer.statusCode) || init?.method === 'HEAD') {
      answer.body.resume();
      return new Response(null, { status: answer.statusCode, headers });
    }
    // A streamed answer (server-sent events) is handed on as it arrives; anything else is read
    // whole first, which spares a web stream per call.
    if (headers.get('content-type')?.startsWith('text/event-stream')) {
      return new Response(Readable.toWeb(answer.body) as ReadableStream<Uint8Array>, { status: answer.statusCode, headers });
    }
    let bytes: ArrayBuffer;
    try {
      bytes = await answer.body.arrayBuffer();
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      throw new TypeError('terminated', { cause: error });
    }
    return new Response(bytes, { status: answer.statusCode, headers });
  };

  return { fetch: pooledFetch as typeof globalThis.fetch, close: () => agent.close() };
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function plainHeaders(headers: RequestInit['headers']): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const plain: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => (plain[name] = value));
    return plain;
  }
  const entries = (Array.isArray(headers) ? headers : Object.entries(headers)) as [string, string | readonly string[] | undefined][];
  for (const [name, value] of entries) if (value !== undefined) plain[name] = typeof value === 'string' ? value : value.join(', ');
  return plain;
}
