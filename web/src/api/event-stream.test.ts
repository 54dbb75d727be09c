import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventFixture } from '../test-support/fixtures.js';
import { createFakeServer, eventStream, json } from '../test-support/fake-server.js';
import { createApiClient } from './client.js';
import { openRunEventStream, type StreamState } from './event-stream.js';
import type { RunEvent } from './types.js';

afterEach(() => vi.useRealTimers());

const until = async (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 5_000, interval: 5 });

describe('run event stream', () => {
  it('sends the API key, and resumes after a dropped connection with Last-Event-ID', async () => {
    const server = createFakeServer();
    const streams = [eventStream(), eventStream()];
    let connection = 0;
    server.on('GET /api/v1/runs/r1/events', () => streams[connection++]!.response);
    const received: RunEvent[] = [];
    const states: StreamState[] = [];
    const client = createApiClient({ apiKey: () => 'secret-key', fetch: server.fetch });
    const stream = openRunEventStream({ client, runId: 'r1', afterSeq: 4, fetch: server.fetch, random: () => 0, onEvents: (events) => received.push(...events), onState: (state) => states.push(state) });

    await until(() => connection === 1);
    streams[0]!.send(eventFixture(5, 'task.created', 't1'));
    await until(() => received.length === 1);
    streams[0]!.drop();
    await until(() => connection === 2);
    streams[1]!.send(eventFixture(5, 'task.created', 't1'));
    streams[1]!.send(eventFixture(6, 'task.claimed', 't1'));
    streams[1]!.end('succeeded');
    await until(() => states.includes('ended'));
    stream.close();

    expect(server.requests[0]!.headers['x-api-key']).toBe('secret-key');
    expect(server.requests[0]!.headers['last-event-id']).toBe('4');
    expect(server.requests[1]!.headers['last-event-id']).toBe('5');
    expect(received.map((event) => event.seq)).toEqual([5, 6]);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open', 'ended']);
  });

  it('stops when the server refuses the stream', async () => {
    const server = createFakeServer();
    server.on('GET /api/v1/runs/r1/events', () => json({ error: { code: 'UNAUTHORIZED', message: 'an API key is required' } }, 401));
    const states: [StreamState, string | undefined][] = [];
    openRunEventStream({ client: createApiClient({ fetch: server.fetch }), runId: 'r1', afterSeq: 0, fetch: server.fetch, onEvents: () => {}, onState: (state, detail) => states.push([state, detail]) });
    await until(() => states.some(([state]) => state === 'failed'));
    expect(states.at(-1)).toEqual(['failed', 'an API key is required']);
    expect(server.requests).toHaveLength(1);
  });

  it('waits longer after each failure, within the ceiling, with jitter', async () => {
    vi.useFakeTimers();
    const server = createFakeServer();
    const times: number[] = [];
    server.on('GET /api/v1/runs/r1/events', () => {
      times.push(Date.now());
      throw new TypeError('connection refused');
    });
    const stream = openRunEventStream({ client: createApiClient({ fetch: server.fetch }), runId: 'r1', afterSeq: 0, fetch: server.fetch, random: () => 1, maxDelayMs: 10_000, onEvents: () => {} });
    await vi.advanceTimersByTimeAsync(40_000);
    stream.close();
    const waits = times.slice(1).map((time, index) => time - times[index]!);
    expect(waits.slice(0, 4)).toEqual([2_000, 4_000, 8_000, 10_000]);
  });
});
