import type { Database } from '../../../src/store/database.js';
import { openPostgres } from '../../../src/store/postgres.js';
import { allReady, faultEnvironment, startAnvil, type AnvilProcess } from './anvil-process.js';
import { failed, failedBadly, type Load } from './load.js';
import { prepareDatabase, type WorkOutcome } from './outcome.js';
import { createDatabase, startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';
import type { ScenarioResult } from './report.js';

/**
 * A scenario's system: a private PostgreSQL cluster with a prepared database, API nodes
 * (`anvil serve --no-workers`) and worker processes on it, and a connection of the test's own
 * for the audit. `close` kills every process and removes the cluster.
 */
export interface Stack {
  cluster: PrivatePostgres;
  url: string;
  db: Database;
  env: NodeJS.ProcessEnv;
  apis: AnvilProcess[];
  workers: AnvilProcess[];
  close(): Promise<void>;
}

export async function startStack({ apis, workers, concurrency = 4, env: extra = {} }: { apis: number; workers: number; concurrency?: number; env?: NodeJS.ProcessEnv }): Promise<Stack> {
  const cluster = await startPrivatePostgres();
  const url = await createDatabase(cluster.url, 'anvil');
  const db = await openPostgres({ url, poolMax: 3, connectionTimeoutMs: 2_000, maxLifetimeSeconds: 600 });
  await prepareDatabase(db);
  const env = faultEnvironment({ DATABASE_URL: url, ...extra });
  const stack: Stack = {
    cluster,
    url,
    db,
    env,
    apis: Array.from({ length: apis }, () => startAnvil('serve', env)),
    workers: Array.from({ length: workers }, () => startAnvil('worker', env, ['--concurrency', String(concurrency)])),
    async close() {
      await Promise.all([...stack.apis, ...stack.workers].map((node) => node.stop()));
      await stack.db.close().catch(() => {});
      await cluster.destroy();
    },
  };
  await allReady([...stack.apis, ...stack.workers]);
  return stack;
}

/** The output of every process, for a failure message. */
export function describeStack(stack: Stack): string {
  return [...stack.apis, ...stack.workers].map((node) => `${node.kind} ${node.pid}:\n${node.output.slice(-3_000)}`).join('\n');
}

export function scenarioResult(scenario: string, load: Load | undefined, outcome: WorkOutcome, recoverSeconds: number | null, notes: string): ScenarioResult {
  const records = load?.records ?? [];
  return {
    scenario,
    requests: records.length,
    requestsFailed: records.filter(failed).length,
    requestsFailedBadly: records.filter((record) => failedBadly(record)).length,
    tasks: outcome.tasks,
    tasksLost: outcome.tasksLost,
    tasksCompletedTwice: outcome.tasksCompletedTwice,
    recoverSeconds,
    notes,
  };
}
