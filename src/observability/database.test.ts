import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type PgliteDatabase } from '../store/pglite.js';
import { instrumentDatabase } from './database.js';
import { createTelemetry } from './telemetry.js';

describe('a database timed at the seam', () => {
  // One embedded database for the file: opening one costs seconds on a busy machine.
  let database: PgliteDatabase;
  beforeAll(async () => {
    database = await openPglite({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('reports every statement, inside transactions too, without a statement of its own', async () => {
    const telemetry = createTelemetry();
    const reports: { durationMs: number; failed: boolean }[] = [];
    telemetry.on('db.query', (event) => reports.push(event));
    const timed = instrumentDatabase(database, telemetry);

    await timed.script('CREATE TABLE notes (id int PRIMARY KEY, text text)');
    const before = timed.statements;
    await timed.query('INSERT INTO notes VALUES ($1, $2)', [1, 'one']);
    await timed.transaction(async (transaction) => {
      await transaction.query('INSERT INTO notes VALUES ($1, $2)', [2, 'two']);
      await transaction.query('SELECT count(*) FROM notes');
    });
    expect(reports).toHaveLength(4);
    expect(reports.every((report) => report.durationMs >= 0 && !report.failed)).toBe(true);
    // The wrapper adds no round trip: the database counted exactly the statements sent.
    expect(timed.statements - before).toBe(3);
    expect(timed.statements).toBe(database.statements);
  });

  it('reports a failed statement as failed and still throws its error', async () => {
    const telemetry = createTelemetry();
    const reports: boolean[] = [];
    telemetry.on('db.query', (event) => reports.push(event.failed));
    const timed = instrumentDatabase(database, telemetry);
    await expect(timed.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
    expect(reports).toEqual([true]);
  });

  it('keeps what the implementation offers beyond the interface', async () => {
    const timed = instrumentDatabase(database, createTelemetry());
    expect(timed.kind).toBe('pglite');
    expect(timed.poolStatus()).toEqual({ total: 1, idle: 1, waiting: 0 });
    expect(await timed.dump()).toBeInstanceOf(Blob);
  });
});
