import type { RunEvent } from '../api/types.js';

/**
 * A stand-in for the server in component tests: `fetch` answered by handlers keyed by
 * "METHOD /path" (query ignored unless the key has one), and event streams the test writes to.
 */
export type Handler = (request: { url: URL; init: RequestInit | undefined; body: unknown }) => Response | Promise<Response>;

export interface FakeServer {
  fetch: typeof fetch;
  requests: { method: string; url: string; headers: Record<string, string>; body: unknown }[];
  on(key: string, handler: Handler): void;
  on(key: string, body: object): void;
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function notFound(path: string): Response {
  return json({ error: { code: 'NOT_FOUND', message: `no route for GET ${path}` } }, 404);
}

export function createFakeServer(): FakeServer {
  const handlers = new Map<string, Handler>();
  const requests: FakeServer['requests'] = [];
  const fetchFunction = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://dashboard.test');
    const method = init?.method ?? 'GET';
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([name, value]) => [name.toLowerCase(), value]));
    let body: unknown = init?.body;
    if (typeof body === 'string' && headers['content-type'] === 'application/json') body = JSON.parse(body);
    requests.push({ method, url: url.pathname + url.search, headers, body });
    const handler = handlers.get(`${method} ${url.pathname}${url.search}`) ?? handlers.get(`${method} ${url.pathname}`);
    if (!handler) return notFound(url.pathname);
    return handler({ url, init, body });
  }) as typeof fetch;
  return {
    fetch: fetchFunction,
    requests,
    on(key: string, handler: Handler | object) {
      handlers.set(key, typeof handler === 'function' ? (handler as Handler) : () => json(handler));
    },
  };
}

/** An open text/event-stream response the test writes events into. */
export function eventStream(): { response: Response; send(event: RunEvent): void; end(status: string): void; drop(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({ start: (given) => void (controller = given) });
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    send: (event) => controller.enqueue(encoder.encode(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)),
    end: (status) => {
      controller.enqueue(encoder.encode(`event: end\ndata: ${JSON.stringify({ status })}\n\n`));
      controller.close();
    },
    drop: () => controller.close(),
  };
}
