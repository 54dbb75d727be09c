import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../../test/helpers/databases.js';
import { startTestRun } from '../../test/helpers/fixtures.js';
import { createTask } from '../orchestrator/tasks.js';
import type { Database } from './database.js';
import { boardPage, decodeCursor, encodeCursor } from './tasks-board.js';

describe.each(databaseVariants())('the board query on $name', (variant) => {
  let db: Database;
  beforeEach(async () => {
    db = await variant.open();
  });
  afterEach(async () => {
    await db.close();
  });

  it('pages through a phase by status then priority without repeating or skipping a task', async () => {
    const run = await startTestRun(db);
    for (let index = 0; index < 23; index++) {
      await createTask(db, { runId: run.id, phase: 'verify', title: `check ${index}`, priority: (index % 5) * 10, createdBy: 'test' });
    }
    const seen: { id: string; priority: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = await boardPage(db, { runId: run.id, phase: 'verify', limit: 5, after: cursor ? decodeCursor(cursor) : undefined });
      seen.push(...page.tasks);
      cursor = page.next ? encodeCursor(page.next) : undefined;
    } while (cursor);
    expect(seen).toHaveLength(23);
    expect(new Set(seen.map((task) => task.id)).size).toBe(23);
    const priorities = seen.map((task) => task.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
  });

  it('rejects a cursor it did not issue', () => {
    expect(decodeCursor('garbage')).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"status":"queued"}').toString('base64url'))).toBeUndefined();
  });
});
