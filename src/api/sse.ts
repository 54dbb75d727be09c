import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import { eventsAfter } from '../store/events.js';
import { findRun } from '../store/runs.js';

const finalStatuses = new Set(['succeeded', 'failed', 'cancelled']);
const keepAliveMs = 15_000;
/** The longest a stream waits, once its run is final, for sessions still writing their last events. */
const sessionGraceMs = 5_000;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function sessionsStillRunning(runtime: Runtime, runId: string): Promise<boolean> {
  const result = await runtime.db.query("SELECT 1 FROM agent_sessions WHERE run_id = $1 AND status = 'running' LIMIT 1", [runId]);
  return result.rows.length > 0;
}

/**
 * Streams a run's events as Server-Sent Events from the events table, in seq order, starting
 * after `afterSeq` (Last-Event-ID on reconnect). New events are announced by the event bus (a
 * NOTIFY from whichever process wrote them); a slow timer re-reads as a safety net. The stream
 * ends with an `end` event once the run is final and every event has been sent. When the
 * process drains at shutdown the stream just closes (no `end`): the client reconnects, to another
 * node behind the load balancer, with the Last-Event-ID it last received, and misses nothing.
 */
export async function streamRunEvents({ runtime, request, reply, runId, afterSeq }: { runtime: Runtime; request: FastifyRequest; reply: FastifyReply; runId: string; afterSeq: number }): Promise<void> {
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    // What the hooks set before the hijack (security headers, x-request-id) would be lost with it.
    ...(reply.getHeaders() as OutgoingHttpHeaders),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.write(`retry: 2000\n\n`);

  let cursor = afterSeq;
  let finalSince: number | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  const unsubscribe = runtime.bus.subscribe((signal) => {
    if (signal.resync || (signal.runId === runId && signal.seq > cursor)) wake?.();
  });
  const stop = () => {
    closed = true;
    wake?.();
  };
  request.raw.on('close', stop);
  const { signal: draining } = runtime.lifecycle;
  if (draining.aborted) stop();
  else draining.addEventListener('abort', stop, { once: true });
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), keepAliveMs);

  try {
    while (!closed) {
      const events = await eventsAfter(runtime.db, runId, cursor, 500);
      for (const event of events) {
        const data = JSON.stringify({ seq: Number(event.seq), type: event.type, task_id: event.task_id, payload: event.payload, created_at: new Date(event.created_at).toISOString() });
        response.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${data}\n\n`);
        cursor = Number(event.seq);
      }
      if (events.length === 500) continue;
      const run = await findRun(runtime.db, runId);
      if (!run || finalStatuses.has(run.status)) {
        // Read once more: the final event may have committed between the two reads.
        const rest = await eventsAfter(runtime.db, runId, cursor, 500);
        if (rest.length > 0) continue;
        // The run ends as soon as its last task is done, but that task's session writes its own
        // `session.finished` just after: wait for sessions still finishing (a bounded wait, since a
        // session whose worker died stays `running`), or a client would get `end` before them.
        finalSince ??= Date.now();
        if (run && Date.now() - finalSince < sessionGraceMs && (await sessionsStillRunning(runtime, runId))) {
          await pause(100);
          continue;
        }
        response.write(`event: end\ndata: ${JSON.stringify({ status: run?.status ?? 'unknown' })}\n\n`);
        break;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } catch (error) {
    request.log.warn({ err: error, runId }, 'event stream failed');
  } finally {
    clearInterval(keepAlive);
    draining.removeEventListener('abort', stop);
    unsubscribe();
    response.end();
  }
}
