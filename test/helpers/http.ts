import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';

/** Starts the real HTTP server on a free loopback port. */
export async function listen(runtime: Runtime): Promise<{ app: FastifyInstance; baseUrl: string }> {
  const app = await buildServer({ runtime });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, baseUrl: address };
}

export interface ServerSentEvent {
  id?: string;
  event: string;
  data: string;
}

/** Reads a text/event-stream response to its end (or until `stop` says so). */
export async function readEventStream(response: Response, stop: (event: ServerSentEvent) => boolean = () => false): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const event: ServerSentEvent = { event: 'message', data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const [field, ...rest] = line.split(':');
        const text = rest.join(':').replace(/^ /, '');
        if (field === 'id') event.id = text;
        else if (field === 'event') event.event = text;
        else if (field === 'data') {
          event.data += (hasData ? '\n' : '') + text;
          hasData = true;
        }
      }
      if (!hasData) continue;
      events.push(event);
      if (stop(event)) {
        await reader.cancel();
        return events;
      }
    }
  }
  return events;
}

/** A JSON client for `/api/v1` on a listening server (loopback, no keys: the local admin). */
export function apiClient(baseUrl: string) {
  return async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
}
