import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresClone } from '../../../test/helpers/databases.js';
import { startTestRun } from '../../../test/helpers/fixtures.js';
import { postgresUrl } from '../../../test/helpers/services.js';
import type { Database } from '../database.js';
import { claimTask } from './index.js';
import { sweepExpiredLeases } from './sweep.js';

/**
 * Rows that reference a task (its agent sessions, memories, child tasks) take a KEY SHARE lock on
 * it through their foreign key, at the end of a statement that has already taken the run's event
 * counter. If the claim or the sweep locked task rows FOR UPDATE, a claim that meets a task
 * another worker has just claimed (it locks the new row version before seeing it no longer
 * qualifies) would hold that lock while waiting for the run's counter, and the other worker's
 * session, holding the counter, would wait for the lock: the deadlocks the queue benchmark hit.
 * FOR NO KEY UPDATE excludes other claimers just the same and never blocks a KEY SHARE.
 * Contention is only real on PostgreSQL (PGlite has one backend).
 */
const url = postgresUrl();

if (url) {
  describe('row locks of the claim and the sweep on PostgreSQL', () => {
    let db: Database;
    beforeEach(async () => {
      db = (await openPostgresClone(url)).database;
    });
    afterEach(async () => {
      await db.close();
    });

    // What a foreign-key check takes on the referenced task row; NOWAIT fails at once when a
    // conflicting lock is held.
    const keyShare = (taskId: string) => db.query('SELECT 1 FROM tasks WHERE id = $1 FOR KEY SHARE NOWAIT', [taskId]);

    it('holds a task it claims with a lock that foreign-key checks of rows referencing the task do not wait for', async () => {
      await startTestRun(db);
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let claimedId: string | undefined;
      const claiming = db.transaction(async (transaction) => {
        claimedId = (await claimTask(transaction, { workerId: 'w1', leaseSeconds: 30 }))!.id;
        await held;
      });
      while (!claimedId) await new Promise((resolve) => setTimeout(resolve, 5));
      try {
        await expect(keyShare(claimedId)).resolves.toMatchObject({ rowCount: 1 });
      } finally {
        release();
        await claiming;
      }
    });

    it('holds a task it sweeps with a lock that foreign-key checks of rows referencing the task do not wait for', async () => {
      await startTestRun(db);
      const task = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
      await db.query("UPDATE tasks SET lease_until = now() - interval '1 second' WHERE id = $1", [task.id]);
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let swept = false;
      const sweeping = db.transaction(async (transaction) => {
        // The sweep's own statement, inside a transaction this test keeps open.
        await sweepExpiredLeases({ ...db, transaction: (work) => work(transaction) } as Database);
        swept = true;
        await held;
      });
      while (!swept) await new Promise((resolve) => setTimeout(resolve, 5));
      try {
        await expect(keyShare(task.id)).resolves.toMatchObject({ rowCount: 1 });
      } finally {
        release();
        await sweeping;
      }
    });
  });
}
