import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/store/postgres.js';
import { failedBadly, secondsToFirstWrite, startLoad } from './harness/load.js';
import { awaitOutcome } from './harness/outcome.js';
import { recordScenario } from './harness/report.js';
import { describeStack, scenarioResult, startStack, type Stack } from './harness/stack.js';

/**
 * PostgreSQL restarted under load: an API node and two workers on a private cluster, clients
 * starting and listing runs, and the server stopped (fast shutdown: connections cut) for 3 s,
 * then started again. While it is down the API answers 503 with Retry-After at once and /readyz
 * says why; workers back off; the event listener reconnects. Afterwards every run the API
 * accepted finishes, with no task lost or completed twice.
 */
describe('PostgreSQL restarted under load', () => {
  let stack: Stack | undefined;
  afterAll(async () => {
    await stack?.close();
  });

  it('answers 503 with Retry-After while it is down, recovers by itself, and loses nothing', async () => {
    stack = await startStack({ apis: 1, workers: 2, env: { ANVIL_SIMULATED_LATENCY_MS: '50' } });
    const { cluster, url } = stack;
    const api = stack.apis[0]!;
    const load = startLoad({ baseUrls: () => [api.baseUrl], clients: 8, writeShare: 0.3, workflow: 'fault-one-task' });
    await sleep(3_000);
    await stack.db.close();
    await cluster.stop('fast');
    const downAt = Date.now();
    await sleep(1_000);
    const probe = await fetch(`${api.baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch((error: unknown) => {
      throw new Error(`the API node did not answer while the database was down:\n${describeStack(stack!)}`, { cause: error });
    });
    const probeBody = (await probe.json()) as { status: string; database: string; reasons?: { database?: string } };
    await sleep(2_000);
    await cluster.start();
    const upAt = Date.now();
    await sleep(5_000);
    await load.stop();

    stack.db = await openPostgres({ url, poolMax: 3, connectionTimeoutMs: 2_000, maxLifetimeSeconds: 600 });
    const outcome = await awaitOutcome(stack.db, load.acceptedRunIds);
    const during = load.records.filter((record) => record.at >= downAt && record.at < upAt);
    const notes = `down 3 s (pg_ctl stop -m fast); ${during.filter((record) => record.status === 503).length} fast 503s while down, slowest ${Math.max(0, ...during.map((record) => record.ms))} ms`;
    const result = scenarioResult('PostgreSQL restarted under load', load, outcome, secondsToFirstWrite(load.records, upAt), notes);
    recordScenario(result);

    expect(probe.status).toBe(503);
    expect(probeBody).toMatchObject({ status: 'unavailable', database: 'unreachable' });
    expect(probeBody.reasons?.database).toMatch(/ECONNREFUSED|connect|terminat/i);
    // The outage was seen, and seen as 503s with Retry-After, not 500s or hangs.
    expect(during.filter((record) => record.status === 503 && record.retryAfter).length).toBeGreaterThan(0);
    expect(load.records.filter((record) => failedBadly(record)).slice(0, 5)).toEqual([]);
    expect(result.recoverSeconds).not.toBeNull();
    expect(load.acceptedRunIds.length).toBeGreaterThan(10);
    expect(outcome.unfinishedRuns, describeStack(stack)).toEqual([]);
    expect(outcome.tasksLost).toBe(0);
    expect(outcome.tasksCompletedTwice).toBe(0);
    expect(outcome.sequenceGaps).toEqual([]);
  });
});
