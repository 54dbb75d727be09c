import { startTransition, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useApi } from '../api/context.js';
import type { ApiClient } from '../api/client.js';
import { openRunEventStream, type StreamState } from '../api/event-stream.js';
import type { Run, RunEvent, Task } from '../api/types.js';
import { probePaint } from '../perf-probe.js';
import { applyEvents, type TaskMap } from './board.js';

/**
 * A run kept live: the board snapshot (every task and the seq it reflects), the run and its recent
 * events, then the event stream from that seq. Events are applied once per animation frame, however
 * many arrive, so a busy run costs one render per frame. The run's totals (cost, tokens, counts)
 * are read again when events say they changed, at most twice a second: driven by events, never
 * by a timer that polls.
 */
export interface LiveRun {
  state: 'loading' | 'error' | 'ready';
  error?: unknown;
  run?: Run;
  tasks: TaskMap;
  feed: RunEvent[];
  stream: StreamState;
  streamDetail?: string;
  refreshRun: () => void;
}

const feedLength = 300;
const runRefreshMs = 500;
const boardPageSize = 2_000;

/**
 * The board snapshot: every task, and the run's last event seq read before them (GET
 * /runs/:id/board, 2,000 tasks a page, so one round trip for all but the largest runs).
 */
export async function loadBoard(client: ApiClient, runId: string, signal?: AbortSignal): Promise<{ lastSeq: number; tasks: Map<string, Task> }> {
  const tasks = new Map<string, Task>();
  let lastSeq: number | undefined;
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(boardPageSize) });
    if (cursor) query.set('cursor', cursor);
    const page: { last_seq: number; tasks: Task[]; next_cursor: string | null } = await client.get(`/api/v1/runs/${encodeURIComponent(runId)}/board?${query}`, signal);
    // The first page's seq was read before any task: the stream starts there.
    lastSeq ??= page.last_seq;
    for (const task of page.tasks) tasks.set(task.id, task);
    cursor = page.next_cursor;
  } while (cursor);
  return { lastSeq: lastSeq ?? 0, tasks };
}

export function useRunLive(runId: string): LiveRun {
  const { client } = useApi();
  const [live, setLive] = useState<Omit<LiveRun, 'refreshRun'>>({ state: 'loading', tasks: new Map(), feed: [], stream: 'connecting' });
  const refreshRef = useRef<() => void>(() => {});
  const probeRef = useRef<{ receivedAt: number; batch: RunEvent[] } | undefined>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    const base = `/api/v1/runs/${encodeURIComponent(runId)}`;
    let pending: RunEvent[] = [];
    let firstReceivedAt = 0;
    let frame = 0;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    let stream: { close(): void } | undefined;
    setLive({ state: 'loading', tasks: new Map(), feed: [], stream: 'connecting' });

    const refreshRun = () => {
      client.get<Run>(base, controller.signal).then(
        (run) => !controller.signal.aborted && setLive((previous) => ({ ...previous, run })),
        () => {},
      );
    };
    refreshRef.current = refreshRun;
    const scheduleRefresh = () => {
      refreshTimer ??= setTimeout(() => {
        refreshTimer = undefined;
        refreshRun();
      }, runRefreshMs);
    };
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      // A transition: React renders it in slices and yields between them, so a busy run never
      // holds the main thread for long, and typing or scrolling stays ahead of it.
      startTransition(() => setLive((previous) => ({ ...previous, tasks: applyEvents(previous.tasks, batch, runId), feed: [...previous.feed, ...batch].slice(-feedLength) })));
      // Measured once the render that shows these events has committed (below), not now.
      const waiting = probeRef.current;
      probeRef.current = { receivedAt: waiting ? waiting.receivedAt : firstReceivedAt, batch: waiting ? [...waiting.batch, ...batch] : batch };
      scheduleRefresh();
    };

    (async () => {
      // Three reads side by side. The board's seq is read before its tasks, so replaying the events
      // after it converges; the feed keeps only events up to that seq, as the stream brings the rest.
      const [board, run, history] = await Promise.all([
        loadBoard(client, runId, controller.signal),
        client.get<Run>(base, controller.signal),
        client.get<{ events: RunEvent[] }>(`${base}/events/history?limit=100`, controller.signal),
      ]);
      if (controller.signal.aborted) return;
      const { lastSeq, tasks } = board;
      // Visible in the browser's performance panel; the dashboard benchmark splits its timing here.
      performance.mark('anvil:run-loaded', { detail: { tasks: tasks.size } });
      setLive({ state: 'ready', run, tasks, feed: history.events.filter((event) => event.seq <= lastSeq), stream: 'connecting' });
      stream = openRunEventStream({
        client,
        runId,
        afterSeq: lastSeq,
        onEvents: (events) => {
          if (pending.length === 0) firstReceivedAt = performance.now();
          pending.push(...events);
          frame ||= requestAnimationFrame(flush);
        },
        onState: (state, detail) => setLive((previous) => ({ ...previous, stream: state, streamDetail: detail })),
        onEnd: () => refreshRun(),
      });
    })().catch((error: unknown) => {
      if (!controller.signal.aborted) setLive((previous) => ({ ...previous, state: 'error', error }));
    });

    return () => {
      controller.abort();
      stream?.close();
      if (frame) cancelAnimationFrame(frame);
      clearTimeout(refreshTimer);
    };
  }, [client, runId]);

  useLayoutEffect(() => {
    const waiting = probeRef.current;
    if (!waiting) return;
    probeRef.current = undefined;
    probePaint(waiting.receivedAt, waiting.batch);
  }, [live.feed]);

  return { ...live, refreshRun: () => refreshRef.current() };
}
