import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Clients that keep a mixed workload going against one or more API nodes while a fault is
 * injected: each loop starts a run (a write) or lists runs (a read). Every request is recorded:
 * a failure is anything but 2xx; a bad failure is a 5xx other than a 503 that says Retry-After,
 * a network error, or a request that hung past `hangMs` (the promise is fast 503s, never hangs
 * or 500s). The ids of runs the API accepted (201) are kept: each must exist and finish.
 */
export interface LoadOptions {
  baseUrls: () => string[];
  clients: number;
  /** Share of requests that start a run. */
  writeShare: number;
  workflow: string;
  hangMs?: number;
  /** Pause between one client's requests. */
  thinkMs?: number;
}

export interface RequestRecord {
  at: number;
  kind: 'read' | 'write';
  status: number;
  ms: number;
  retryAfter: boolean;
  error?: string;
}

export interface Load {
  records: RequestRecord[];
  acceptedRunIds: string[];
  stop(): Promise<void>;
}

export function startLoad({ baseUrls, clients, writeShare, workflow, hangMs = 8_000, thinkMs = 50 }: LoadOptions): Load {
  const records: RequestRecord[] = [];
  const acceptedRunIds: string[] = [];
  let running = true;
  let counter = 0;
  const client = async (index: number) => {
    while (running) {
      const urls = baseUrls();
      const base = urls[(index + counter++) % urls.length]!;
      const write = Math.random() < writeShare;
      const started = Date.now();
      const record: RequestRecord = { at: started, kind: write ? 'write' : 'read', status: 0, ms: 0, retryAfter: false };
      try {
        const response = await fetch(write ? `${base}/api/v1/runs` : `${base}/api/v1/runs?limit=20`, {
          method: write ? 'POST' : 'GET',
          headers: write ? { 'content-type': 'application/json' } : {},
          body: write ? JSON.stringify({ workflow, goal: `load ${index}-${started}` }) : undefined,
          signal: AbortSignal.timeout(hangMs),
        });
        record.status = response.status;
        record.retryAfter = response.headers.has('retry-after');
        const body = (await response.json().catch(() => ({}))) as { id?: string };
        if (write && response.status === 201 && body.id) acceptedRunIds.push(body.id);
      } catch (error) {
        record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      record.ms = Date.now() - started;
      records.push(record);
      await sleep(thinkMs * (0.5 + Math.random()));
    }
  };
  const loops = Array.from({ length: clients }, (_, index) => client(index));
  return {
    records,
    acceptedRunIds,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

export function failed(record: RequestRecord): boolean {
  return record.status < 200 || record.status >= 300;
}

export function failedBadly(record: RequestRecord, hangMs = 8_000): boolean {
  if (record.error !== undefined || record.ms >= hangMs) return true;
  return record.status >= 500 && !(record.status === 503 && record.retryAfter);
}

/** Seconds from `since` until the first successful write after it (null: none). */
export function secondsToFirstWrite(records: RequestRecord[], since: number): number | null {
  const first = records.filter((record) => record.kind === 'write' && record.status === 201 && record.at >= since).sort((a, b) => a.at - b.at)[0];
  return first ? Math.max(0, first.at + first.ms - since) / 1000 : null;
}
