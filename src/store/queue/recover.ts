import type { Database } from '../database.js';
import type { TaskRow } from '../rows.js';
import { sweepExpiredLeasesIn } from './sweep.js';

/**
 * Start-up recovery, in every mode: tasks whose worker died (kill -9, a lost machine, a crash
 * before this process started) go back to the queue now instead of at the next periodic sweep,
 * and their interrupted sessions are resumed from their persisted steps by whoever claims them.
 *
 * `exclusive` says no other process can hold a lease on this database: the embedded PGlite
 * folder is locked by one process, so every task still `running` at open belonged to a process
 * that is gone, and its lease is expired at once rather than waited out. On PostgreSQL other
 * workers may hold live leases: only leases already expired are swept.
 *
 * When a fleet restarts, every process starts at once: a transaction-scoped advisory try-lock
 * lets one of them recover and the others skip (the sweep alone would be safe to run twice, by
 * SKIP LOCKED, but each would wait on the other's rows and log the same recovery).
 */
export const recoveryLockKey = 0x616e_7631; // 'anv1'

export interface Recovery {
  /** Another process was recovering at the same moment; this one did nothing. */
  skipped: boolean;
  /** Tasks returned to the queue (or failed, when out of attempts). */
  swept: TaskRow[];
}

export async function recoverLeasesAtStart(db: Database, { exclusive, limit = 10_000 }: { exclusive: boolean; limit?: number }): Promise<Recovery> {
  return db.transaction(async (transaction) => {
    const lock = await transaction.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [recoveryLockKey]);
    if (!lock.rows[0]?.locked) return { skipped: true, swept: [] };
    if (exclusive) await transaction.query("UPDATE tasks SET lease_until = now() - interval '1 second' WHERE status = 'running'");
    return { skipped: false, swept: await sweepExpiredLeasesIn(transaction, limit) };
  });
}
