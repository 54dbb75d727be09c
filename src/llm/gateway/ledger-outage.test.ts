import { describe, expect, it } from 'vitest';
import type { Database, QueryResult } from '../../store/database.js';
import { createLedger, type LlmCallRecord } from './ledger.js';

/** A database whose statements fail with a refused connection until `up` is set. */
function flakyDatabase() {
  const written: unknown[] = [];
  const state = { up: false, written };
  const database = {
    kind: 'postgres',
    statements: 0,
    async query<Row>(_sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
      if (!state.up) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      const rows = JSON.parse(String(params![0])) as unknown[];
      written.push(...rows);
      return { rows: [{ inserted: rows.length } as Row], rowCount: 1 };
    },
  } as unknown as Database;
  return { database, state };
}

const call = (index: number): LlmCallRecord => ({
  tenant: 'local',
  provider: 'simulated',
  model: 'agent',
  kind: 'agent-step',
  inputTokens: index,
  outputTokens: 1,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0,
  savedUsd: 0,
  cacheHit: false,
  cacheResult: 'miss',
  ttlSeconds: null,
  latencyMs: 1,
  createdAt: new Date(),
});

describe('the LLM ledger while the database is unreachable', () => {
  it('keeps the rows of failed flushes and writes them, in order, once the database answers', async () => {
    const { database, state } = flakyDatabase();
    const errors: unknown[] = [];
    const ledger = createLedger({ db: database, flushIntervalMs: 10, batchSize: 3, onError: (error) => errors.push(error) });
    for (let index = 0; index < 7; index++) ledger.record(call(index));
    await ledger.flush();
    expect(state.written).toHaveLength(0);
    expect(ledger.pending).toBe(7);
    state.up = true;
    await ledger.flush();
    expect((state.written as { tokens_input: number }[]).map((row) => row.tokens_input)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(errors).toEqual([]);
    await ledger.close();
  });

  it('bounds what it keeps, reporting the oldest rows it drops', async () => {
    const { database } = flakyDatabase();
    const dropped: number[] = [];
    const ledger = createLedger({ db: database, flushIntervalMs: 10_000, batchSize: 1, onError: (_error, rows) => dropped.push(rows as number) });
    for (let index = 0; index < 25; index++) ledger.record(call(index));
    await ledger.flush();
    expect(ledger.pending).toBe(20);
    expect(dropped.reduce((sum, rows) => sum + rows, 0)).toBe(5);
    await ledger.close();
  });
});
