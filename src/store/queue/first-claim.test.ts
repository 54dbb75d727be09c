import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../../../test/helpers/databases.js';
import { startTestRun } from '../../../test/helpers/fixtures.js';
import type { Database } from '../database.js';
import { claimTask, failTask, sweepExpiredLeases } from './index.js';

describe.each(databaseVariants())('first_claim on $name', (variant) => {
  let db: Database;
  beforeEach(async () => {
    db = await variant.open();
  });
  afterEach(async () => {
    await db.close();
  });

  it('is true when a task is claimed for the first time and false on every later claim', async () => {
    await startTestRun(db);
    const first = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
    expect(first.first_claim).toBe(true);

    await failTask(db, { taskId: first.id, attempt: 1, workerId: 'w1' }, { reason: 'flaky', retryable: true, retryDelaySeconds: 0 });
    const retried = (await claimTask(db, { workerId: 'w2', leaseSeconds: 30 }))!;
    expect(retried).toMatchObject({ id: first.id, attempt: 2, first_claim: false });

    await db.query("UPDATE tasks SET lease_until = now() - interval '1 second', max_attempts = 5 WHERE id = $1", [first.id]);
    await sweepExpiredLeases(db);
    const afterCrash = (await claimTask(db, { workerId: 'w3', leaseSeconds: 30 }))!;
    expect(afterCrash).toMatchObject({ id: first.id, attempt: 3, first_claim: false });
  });
});
