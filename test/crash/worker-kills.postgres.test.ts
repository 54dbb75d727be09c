import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import type { Database } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import { createPostgresDatabase } from '../helpers/databases.js';
import { postgresUrl } from '../helpers/services.js';
import { auditQueue, leaseHolders, unfinishedRuns } from './queue-audit.js';
import { pidOfWorkerId, WorkerFleet } from './worker-fleet.js';

/**
 * The core promise of the queue, proven with real processes: three `anvil worker` processes
 * share one PostgreSQL database while one of them, holding leases, is killed with SIGKILL every
 * 1.5 s or so and replaced. Afterwards every run succeeded, no task was lost or completed twice, and
 * cut-off sessions were resumed from their persisted steps. PGlite has a single backend and one
 * process per folder, so this is a PostgreSQL test only.
 */
const settings = {
  workers: 3,
  concurrency: 4,
  kills: 12,
  killEveryMs: 1_500,
  // Six runs of a fanning-out workflow give 40-60 tasks of 4-6 model calls each.
  goals: ['the parser', 'the cache layer', 'the billing export', 'the search index', 'the audit log', 'the rate limiter'],
  // Model latency long enough that a kill lands mid-session; a lease short enough that the
  // test does not wait long for lapsed leases.
  env: {
    ANVIL_SIMULATED_LATENCY_MS: '500',
    ANVIL_SIMULATED_FAILURE_RATE: '0',
    ANVIL_SIMULATED_SEED: '42',
    ANVIL_LEASE_SECONDS: '2',
    ANVIL_HEARTBEAT_SECONDS: '1',
    ANVIL_SWEEP_INTERVAL_MS: '300',
    ANVIL_POLL_INTERVAL_MS: '100',
    ANVIL_RETRY_BASE_MS: '100',
    // info: the fleet waits for the "worker started" line.
    ANVIL_LOG_LEVEL: 'info',
    ANVIL_LOG_PRETTY: 'false',
    // Several workers on one machine: none serves its own /metrics port.
    ANVIL_METRICS_PORT: '0',
  },
  testTimeoutMs: 180_000,
  finishWithinMs: 150_000,
};

const baseUrl = postgresUrl();

if (baseUrl) {
  describe('workers killed with SIGKILL while holding leases (PostgreSQL)', () => {
    let db: Database | undefined;
    let fleet: WorkerFleet | undefined;

    beforeAll(async () => {
      const url = await createPostgresDatabase(baseUrl);
      db = await openPostgres({ url, poolMax: 4, connectionTimeoutMs: 5_000, maxLifetimeSeconds: 600 });
      const env: NodeJS.ProcessEnv = { ...process.env, ...settings.env, DATABASE_URL: url };
      // The workers use only what this test chose: no cache service, no real model keys.
      for (const name of ['REDIS_URL', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ANVIL_OPENAI_COMPATIBLE_BASE_URL', 'ANVIL_DEFAULT_MODEL', 'ANVIL_CONFIG']) delete env[name];
      fleet = new WorkerFleet({ env, concurrency: settings.concurrency, cwd: process.cwd() });
    });

    afterAll(async () => {
      await fleet?.killAll();
      await db?.close();
    });

    it(
      'loses no task, completes none twice, and resumes cut-off sessions from their persisted steps',
      async () => {
        const started = Date.now();
        const database = db!;
        const workers = fleet!;
        await registerWorkflow(database, parse(await readFile('test/fixtures/crash-workflow.yaml', 'utf8')));
        const runIds: string[] = [];
        for (const goal of settings.goals) runIds.push((await startRun(database, { workflow: 'crash-fanout', goal, simulated: true })).id);
        for (let index = 0; index < settings.workers; index++) workers.start();
        await Promise.race([Promise.all(workers.workers.map((worker) => worker.started)), sleep(60_000)]);
        expect(workers.workers.filter((worker) => worker.isStarted), describeFleet(workers)).toHaveLength(settings.workers);

        let kills = 0;
        let killsHoldingLeases = 0;
        while (kills < settings.kills) {
          await sleep(settings.killEveryMs);
          // A replacement takes seconds to start (tsx compiles the source): kill only while at
          // most one worker is starting, so the fleet never runs dry.
          while (workers.workers.filter((worker) => worker.isStarted).length < settings.workers - 1) await sleep(100);
          const holders = new Set((await leaseHolders(database)).map(pidOfWorkerId));
          const started = workers.workers.filter((worker) => worker.isStarted);
          const holding = started.filter((worker) => holders.has(worker.pid));
          const victim = pick(holding.length > 0 ? holding : started);
          if (!victim) continue;
          await workers.kill(victim);
          kills += 1;
          if (holding.length > 0) killsHoldingLeases += 1;
          workers.start();
        }

        const deadline = started + settings.finishWithinMs;
        while ((await unfinishedRuns(database, runIds)).length > 0 && Date.now() < deadline) await sleep(250);
        const durationMs = Date.now() - started;
        await workers.killAll();

        const audit = await auditQueue(database);
        const maxAttempt = Math.max(...audit.tasks.map((task) => task.attempt));
        const summary = {
          kills,
          killsHoldingLeases,
          runs: audit.runs.length,
          tasks: audit.tasks.length,
          maxAttempt,
          tasksDoneOnRetry: audit.tasks.filter((task) => task.status === 'done' && task.attempt >= 2).length,
          resumedSessions: audit.resumedSessions,
          resumedWithSteps: audit.resumedWithSteps,
          leaseExpiredEvents: audit.leaseExpiredEvents,
          deadlocks: [...workers.workers, ...workers.exited].reduce((sum, worker) => sum + worker.deadlocks, 0),
          durationSeconds: Math.round(durationMs / 100) / 10,
        };
        console.log(`kill -9 crash test: ${JSON.stringify(summary)}`);

        expect(workers.crashed().map((worker) => worker.output), 'a worker died on its own').toEqual([]);
        expect(audit.runs.map((run) => run.status), describeFleet(workers)).toEqual(settings.goals.map(() => 'succeeded'));
        expect(audit.tasks.length).toBeGreaterThanOrEqual(40);
        // No task lost: every task is done (the model fails nothing on purpose here).
        expect(audit.tasks.filter((task) => task.status !== 'done')).toEqual([]);
        // No task completed twice, and each completion was by the attempt that held the task.
        expect(audit.tasks.filter((task) => task.completed_events !== 1)).toEqual([]);
        expect(audit.tasks.filter((task) => task.completed_attempt !== task.attempt)).toEqual([]);
        // The attempt counter counts claims, one event each.
        expect(audit.tasks.filter((task) => task.claimed_events !== task.attempt)).toEqual([]);
        expect(audit.tasks.filter((task) => task.lease_until !== null)).toEqual([]);
        expect(audit.slotsHeld).toBe(0);
        expect(audit.runsWithSequenceGaps).toEqual([]);
        expect(audit.sessionsWithStepGaps).toEqual([]);
        expect(summary.deadlocks).toBe(0);
        // The kills landed: work was taken over and sessions continued from persisted steps.
        expect(killsHoldingLeases).toBeGreaterThanOrEqual(settings.kills / 2);
        expect(summary.tasksDoneOnRetry).toBeGreaterThan(0);
        expect(audit.resumedWithSteps).toBeGreaterThan(0);
      },
      settings.testTimeoutMs,
    );
  });
}

function pick<T>(items: T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)];
}

function describeFleet(fleet: WorkerFleet): string {
  return [...fleet.workers, ...fleet.exited].map((worker) => `worker ${worker.pid}:\n${worker.output}`).join('\n');
}
