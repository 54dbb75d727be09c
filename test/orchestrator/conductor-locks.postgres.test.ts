import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conductorSchema } from '../../src/config/agents-schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { Conductor } from '../../src/orchestrator/conductor/conductor.js';
import { createNearDuplicateFinder } from '../../src/orchestrator/conductor/near-duplicates.js';
import { createTask } from '../../src/orchestrator/tasks.js';
import type { Database } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import { claimTask, completeTask } from '../../src/store/queue/index.js';
import { openPostgresClone } from '../helpers/databases.js';
import { startTestRun, threePhaseWorkflow } from '../helpers/fixtures.js';
import { postgresUrl } from '../helpers/services.js';

/**
 * The conductor's run-level work under real contention, which only PostgreSQL has (PGlite runs
 * one backend): separate pools stand in for separate processes.
 */
const url = postgresUrl();
if (url) {
  describe('the conductor across processes on PostgreSQL', () => {
    let db: Database;
    let others: Database[] = [];
    let cloneUrl: string;
    const logger = createLogger({ level: 'silent' });
    beforeEach(async () => {
      ({ database: db, url: cloneUrl } = await openPostgresClone(url));
      others = [];
    });
    afterEach(async () => {
      for (const other of others) await other.close();
      await db.close();
    });
    const process = async () => {
      const other = await openPostgres({ url: cloneUrl, poolMax: 4, connectionTimeoutMs: 10_000, maxLifetimeSeconds: 60 });
      others.push(other);
      return other;
    };

    it('lets only one of two near-duplicates proposed at the same moment in two processes become a task', async () => {
      const run = await startTestRun(db);
      const conductor = { defaults: conductorSchema.parse({}), finder: createNearDuplicateFinder() };
      const [left, right] = [await process(), await process()];
      const results = await Promise.all([
        createTask(left, { runId: run.id, phase: 'verify', title: 'Verify the parser handles errors', createdBy: 'agent:a' }, { conductor }),
        createTask(right, { runId: run.id, phase: 'verify', title: 'Verify that the parser handles errors', createdBy: 'agent:b' }, { conductor }),
      ]);
      expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
      expect(results.filter((result) => result.nearDuplicate)).toHaveLength(1);
      const live = await db.query("SELECT id FROM tasks WHERE run_id = $1 AND phase = 'verify' AND status <> 'cancelled'", [run.id]);
      expect(live.rows).toHaveLength(1);
    });

    it('creates one diagnostic task for a stalled run however many workers sweep at once', async () => {
      const run = await startTestRun(db, threePhaseWorkflow({ conductor: { stall_seconds: 1, max_diagnostic_tasks: 3 } }));
      const first = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
      await completeTask(db, { taskId: first.id, attempt: 1, workerId: 'w1' }, null);
      await createTask(db, { runId: run.id, phase: 'verify', title: 'Waits for a worker', createdBy: 'test' });
      await db.query("UPDATE runs SET updated_at = now() - interval '1 minute' WHERE id = $1", [run.id]);
      const sweepers = await Promise.all([1, 2, 3, 4].map(async () => new Conductor({ db: await process(), config: conductorSchema.parse({}), logger })));
      const created = (await Promise.all(sweepers.map((sweeper) => sweeper.sweep()))).flat();
      expect(created).toHaveLength(1);
      const diagnostics = await db.query("SELECT id FROM tasks WHERE run_id = $1 AND created_by = 'conductor'", [run.id]);
      expect(diagnostics.rows).toHaveLength(1);
    });
  });
}
