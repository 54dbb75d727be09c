import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startRun } from '../../src/orchestrator/runs.js';
import { leaseHolders } from '../crash/queue-audit.js';
import { pidOfWorkerId } from '../crash/worker-fleet.js';
import { startAnvil, type AnvilProcess } from './harness/anvil-process.js';
import { awaitOutcome } from './harness/outcome.js';
import { recordScenario } from './harness/report.js';
import { describeStack, scenarioResult, startStack, type Stack } from './harness/stack.js';

/**
 * One hundred SIGKILLs during a long run: a fleet of worker processes works through fanning-out
 * runs that keep arriving, while a worker holding leases (any started one when none does) is
 * killed every few hundred milliseconds and replaced. Every lease a dead worker held lapses and
 * is swept; the task's next attempt resumes its session from the persisted steps. Afterwards
 * every run succeeded, and no task was lost or completed twice.
 */
const settings = { workers: 6, concurrency: 3, kills: 100, killEveryMs: 200, newRunEveryKills: 8 };

describe('100 worker kills during a long run', () => {
  let stack: Stack | undefined;
  afterAll(async () => {
    await stack?.close();
  });

  it('loses no task and completes none twice', { timeout: 330_000 }, async () => {
    stack = await startStack({ apis: 0, workers: settings.workers, concurrency: settings.concurrency, env: { ANVIL_SIMULATED_LATENCY_MS: '300' } });
    const { db } = stack;
    const runIds: string[] = [];
    const newRun = async () => runIds.push((await startRun(db, { workflow: 'crash-fanout', goal: `piece ${runIds.length}`, simulated: true })).id);
    for (let index = 0; index < 4; index++) await newRun();

    const started = Date.now();
    let kills = 0;
    let killsHoldingLeases = 0;
    const fleet = stack.workers;
    while (kills < settings.kills) {
      await sleep(settings.killEveryMs);
      const ready = fleet.filter((worker) => worker.isReady && worker.process.exitCode === null && worker.process.signalCode === null);
      // Keep at least one worker alive; replacements start in parallel meanwhile.
      if (ready.length < 2) continue;
      const holders = new Set((await leaseHolders(db)).map(pidOfWorkerId));
      const holding = ready.filter((worker) => holders.has(worker.pid));
      const victim = pick(holding.length > 0 ? holding : ready)!;
      await victim.stop('SIGKILL');
      fleet.splice(fleet.indexOf(victim), 1);
      fleet.push(startAnvil('worker', stack.env, ['--concurrency', String(settings.concurrency)]));
      kills += 1;
      if (holding.length > 0) killsHoldingLeases += 1;
      if (kills % settings.newRunEveryKills === 0) await newRun();
      if (kills % 20 === 0) console.log(`${kills} kills after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    const killingSeconds = (Date.now() - started) / 1000;
    const lastKillAt = Date.now();
    const outcome = await awaitOutcome(db, runIds, 150_000);
    const recoverSeconds = (Date.now() - lastKillAt) / 1000;
    const statuses = await db.query<{ status: string; count: number }>('SELECT status, count(*)::int AS count FROM runs GROUP BY status');
    const attempts = await db.query<{ retried: number; resumed: number }>(
      `SELECT (SELECT count(*) FROM tasks WHERE attempt >= 2)::int AS retried,
              (SELECT count(*) FROM events WHERE type = 'session.resumed' AND (payload ->> 'resumed_steps')::int > 0)::int AS resumed`,
    );
    const notes = `${kills} SIGKILLs in ${killingSeconds.toFixed(0)} s (${killsHoldingLeases} holding leases), ${runIds.length} runs; ${attempts.rows[0]!.retried} tasks retried, ${attempts.rows[0]!.resumed} sessions resumed from steps; recover = last kill → all runs done`;
    recordScenario(scenarioResult('100 worker kills during a long run', undefined, outcome, recoverSeconds, notes));

    expect(kills).toBe(settings.kills);
    expect(killsHoldingLeases).toBeGreaterThanOrEqual(settings.kills / 2);
    expect(outcome.unfinishedRuns, describeStack(stack)).toEqual([]);
    expect(statuses.rows).toEqual([{ status: 'succeeded', count: runIds.length }]);
    expect(outcome.tasksLost).toBe(0);
    expect(outcome.tasksCompletedTwice).toBe(0);
    expect(outcome.sequenceGaps).toEqual([]);
    expect(attempts.rows[0]!.resumed).toBeGreaterThan(0);
    // The killed processes are gone; none of the replacements died on its own.
    expect(fleet.filter((worker: AnvilProcess) => worker.process.exitCode !== null).map((worker) => worker.output)).toEqual([]);
  });
});

function pick<T>(items: T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)];
}
