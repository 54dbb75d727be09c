import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { testConfig } from '../../src/config/index.js';
import { createRuntime } from '../../src/runtime.js';
import { openPostgres } from '../../src/store/postgres.js';
import { seed } from './workflow.js';

export interface SessionsResult {
  sessions: number;
  peakInFlight: number;
  peakRssMb: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  seconds: number;
  succeeded: number;
}

/**
 * `sessions` agent sessions in flight at once in one worker (this process, concurrency =
 * sessions), each model call taking `latencyMs` (the simulated model's latency), on PostgreSQL.
 * The event loop's delay is sampled by perf_hooks' monitorEventLoopDelay (10 ms resolution)
 * from the moment the worker starts until every run has finished; RSS is sampled every 250 ms.
 */
export async function runSessionsLoad({ url, sessions, latencyMs, poolMax }: { url: string; sessions: number; latencyMs: number; poolMax: number }): Promise<SessionsResult> {
  const config = testConfig({
    database: { url, poolMax, workerPoolMax: poolMax, workerConnectionTimeoutMs: 120_000 },
    worker: { concurrency: sessions, leaseSeconds: 60, heartbeatSeconds: 20, pollIntervalMs: 200 },
    llm: { simulated: { latencyMs, failureRate: 0 } },
  });
  const runtime = await createRuntime(config, { role: 'worker' });
  try {
    const runIds = await seed(runtime.db, sessions);
    // The progress query has a connection of its own, so it neither waits behind the sessions nor slows them.
    const monitor = await openPostgres({ url, poolMax: 1, connectionTimeoutMs: 30_000, maxLifetimeSeconds: 600 });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let peakInFlight = 0;
    let peakRss = 0;
    const started = Date.now();
    delay.enable();
    const worker = runtime.startWorker();
    let remaining = runIds.length;
    while (remaining > 0 && Date.now() - started < 600_000) {
      await sleep(250);
      peakInFlight = Math.max(peakInFlight, worker.active.size);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const result = await monitor.query<{ count: number }>("SELECT count(*)::int AS count FROM runs WHERE status NOT IN ('succeeded', 'failed', 'cancelled')");
      remaining = result.rows[0]!.count;
    }
    delay.disable();
    const seconds = (Date.now() - started) / 1000;
    const succeeded = (await monitor.query<{ count: number }>("SELECT count(*)::int AS count FROM runs WHERE status = 'succeeded'")).rows[0]!.count;
    await monitor.close();
    return {
      sessions,
      peakInFlight,
      peakRssMb: Math.round(peakRss / 2 ** 20),
      lagP50Ms: delay.percentile(50) / 1e6,
      lagP99Ms: delay.percentile(99) / 1e6,
      lagMaxMs: delay.max / 1e6,
      seconds,
      succeeded,
    };
  } finally {
    await runtime.close({ deadlineMs: 2_000 });
  }
}
