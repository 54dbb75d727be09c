import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/store/pglite.js';
import { faultEnvironment, startAnvil, allReady, type AnvilProcess } from './harness/anvil-process.js';
import { failed, startLoad } from './harness/load.js';
import { awaitOutcome, prepareDatabase } from './harness/outcome.js';
import { recordScenario } from './harness/report.js';
import { scenarioResult } from './harness/stack.js';

const run = promisify(execFile);

/**
 * The embedded database's disk fills up. How it is simulated, honestly: no filesystem is made
 * small (that needs a mount, so root); instead the running `anvil serve` gets a file-size limit
 * (RLIMIT_FSIZE, set with prlimit, which any user may lower on their own process) just past the
 * current end of the write-ahead log, and ignores SIGXFSZ, so the next WAL write past it fails
 * with EFBIG ("File too large") exactly where a full disk fails with ENOSPC. PostgreSQL treats
 * both as a failed WAL write: a PANIC, after which PGlite spins on the main thread. The
 * event-loop watchdog ends the process within `ANVIL_EVENT_LOOP_STALL_EXIT_MS`; the supervisor
 * (here the test) "frees space" by starting it again without the limit, PGlite recovers from its
 * WAL, and every run the API had acknowledged is there and finishes.
 */
describe("the PGlite folder's disk full", () => {
  const processes: AnvilProcess[] = [];
  let folder: string | undefined;
  afterAll(async () => {
    await Promise.all(processes.map((node) => node.stop()));
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('exits instead of hanging, and after a restart has lost nothing it acknowledged', async () => {
    folder = await mkdtemp(join(tmpdir(), 'anvil-fault-disk-'));
    const dataDir = join(folder, 'data');
    const prepared = await openPglite({ dataDir });
    await prepareDatabase(prepared);
    const lsn = (await prepared.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0]!.lsn;
    await prepared.close();
    const walOffset = parseInt(lsn.split('/')[1]!, 16) % (16 * 1024 * 1024);

    const env = faultEnvironment({ ANVIL_DATA_DIR: dataDir, ANVIL_EVENT_LOOP_STALL_EXIT_MS: '5000', ANVIL_SIMULATED_LATENCY_MS: '20' });
    const first = startAnvil('serve', env, [], { withWorkers: true, ignoreFileSizeSignal: true });
    processes.push(first);
    await allReady([first]);
    let current = first;
    const load = startLoad({ baseUrls: () => [current.baseUrl], clients: 4, writeShare: 0.5, workflow: 'fault-one-task', hangMs: 10_000 });
    await sleep(1_500);
    // The "disk" ends 1 MiB past where the WAL stood when the folder was prepared.
    const limitBytes = walOffset + 1024 * 1024;
    await run('prlimit', ['--pid', String(first.pid), `--fsize=${limitBytes}:unlimited`]);
    const filledAt = Date.now();
    const exitCode = await Promise.race([new Promise<string>((resolve) => first.process.once('exit', (code, signal) => resolve(`${code ?? signal}`))), sleep(90_000).then(() => 'still running')]);
    const exitedAfterMs = Date.now() - filledAt;

    const second = startAnvil('serve', env, [], { withWorkers: true });
    processes.push(second);
    await allReady([second]);
    current = second;
    const restartedAt = Date.now();
    await sleep(2_000);
    await load.stop();
    // Let the accepted runs finish, then audit the folder directly.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const response = await fetch(`${second.baseUrl}/api/v1/runs?status=running&limit=1`);
      const body = (await response.json()) as { runs: unknown[] };
      if (body.runs.length === 0) break;
      await sleep(500);
    }
    expect(await second.stop('SIGTERM')).toBe(0);
    const audited = await openPglite({ dataDir });
    const outcome = await awaitOutcome(audited, load.acceptedRunIds, 10_000);
    await audited.close();

    const duringFault = load.records.filter((record) => record.at >= filledAt && record.at < restartedAt);
    const notes = `RLIMIT_FSIZE ${Math.round(limitBytes / 1024)} KiB (EFBIG for ENOSPC); process ended (${exitCode}) ${(exitedAfterMs / 1000).toFixed(1)} s after the limit by the event-loop watchdog; ${duringFault.filter(failed).length} requests failed meanwhile (cut when it exited)`;
    recordScenario(scenarioResult("PGlite folder's disk full", load, outcome, (Date.now() - restartedAt) / 1000, notes));

    expect(exitCode, first.output).toBe('SIGKILL');
    expect(first.output).toMatch(/event loop blocked|could not write|File too large/);
    expect(load.acceptedRunIds.length).toBeGreaterThan(5);
    expect(outcome.unfinishedRuns).toEqual([]);
    expect(outcome.tasksLost).toBe(0);
    expect(outcome.tasksCompletedTwice).toBe(0);
  });
});
