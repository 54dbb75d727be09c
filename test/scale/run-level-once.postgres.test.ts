import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimTask, completeTask, recoverLeasesAtStart } from '../../src/store/queue/index.js';
import { finishRunIfDone } from '../../src/store/runs.js';
import type { Database } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import { createPostgresDatabase } from '../helpers/databases.js';
import { startTestRun } from '../helpers/fixtures.js';
import { postgresUrl } from '../helpers/services.js';

/**
 * Run-level work that must happen once when several processes share one PostgreSQL, each tried
 * from many connections at the same moment. Completion is exactly-once by its conditional
 * statement (status = 'running'); start-up recovery by a transaction-scoped advisory try-lock.
 */
const baseUrl = postgresUrl();
if (baseUrl) {
  describe('run-level work done once across processes (PostgreSQL)', () => {
    const connections: Database[] = [];
    beforeEach(async () => {
      const url = await createPostgresDatabase(baseUrl);
      // One pool per simulated process, each with its own connections.
      for (let index = 0; index < 8; index++) connections.push(await openPostgres({ url, poolMax: 2, connectionTimeoutMs: 5_000, maxLifetimeSeconds: 60 }));
    });
    afterEach(async () => {
      await Promise.all(connections.splice(0).map((db) => db.close()));
    });

    it('ends a run exactly once when eight processes settle it at the same moment', async () => {
      const db = connections[0]!;
      for (let round = 0; round < 10; round++) {
        const run = await startTestRun(db, undefined, `goal ${round}`);
        const task = (await claimTask(db, { workerId: 'w', leaseSeconds: 30 }))!;
        await completeTask(db, { taskId: task.id, attempt: task.attempt, workerId: 'w' }, null);
        const settled = await Promise.all(connections.map((connection) => finishRunIfDone(connection, run.id)));
        expect(settled.filter(Boolean)).toHaveLength(1);
        const ended = await db.query<{ count: number }>("SELECT count(*)::int AS count FROM events WHERE run_id = $1 AND type LIKE 'run.%' AND type <> 'run.started'", [run.id]);
        expect(ended.rows[0]!.count).toBe(1);
      }
    });

    it('lets one of many processes starting at once recover expired leases; the others skip', async () => {
      const db = connections[0]!;
      await startTestRun(db);
      const task = (await claimTask(db, { workerId: 'dead-worker', leaseSeconds: 30 }))!;
      await db.query("UPDATE tasks SET lease_until = now() - interval '1 second' WHERE id = $1", [task.id]);
      // Each recovery holds its lock until its transaction ends; a slow first one makes the overlap certain.
      const blocker = connections[1]!.transaction(async (transaction) => {
        await transaction.query('SELECT pg_advisory_xact_lock($1)', [0x616e_7631]);
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const during = await Promise.all(connections.slice(2).map((connection) => recoverLeasesAtStart(connection, { exclusive: false })));
      expect(during.every((recovery) => recovery.skipped)).toBe(true);
      await blocker;
      const after = await Promise.all(connections.slice(2).map((connection) => recoverLeasesAtStart(connection, { exclusive: false })));
      expect(after.flatMap((recovery) => recovery.swept.map((row) => row.id))).toEqual([task.id]);
      const events = await db.query<{ count: number }>("SELECT count(*)::int AS count FROM events WHERE task_id = $1 AND type = 'task.lease_expired'", [task.id]);
      expect(events.rows[0]!.count).toBe(1);
    });

    it('never expires a live lease of another process on PostgreSQL', async () => {
      const db = connections[0]!;
      await startTestRun(db);
      const task = (await claimTask(db, { workerId: 'live-worker', leaseSeconds: 30 }))!;
      const recovery = await recoverLeasesAtStart(connections[1]!, { exclusive: false });
      expect(recovery.swept).toEqual([]);
      const row = await db.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [task.id]);
      expect(row.rows[0]!.status).toBe('running');
    });
  });
}
