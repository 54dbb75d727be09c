import pg from 'pg';
import type { Database, Queryable, QueryResult } from './database.js';
import { listenWithReconnect } from './postgres-listen.js';
import { isDatabaseUnavailable } from './unavailable.js';

export interface PostgresOptions {
  url: string;
  poolMax: number;
  connectionTimeoutMs: number;
  maxLifetimeSeconds: number;
}

// Return bigint columns (counts, token sums, event sequence numbers) as JS numbers: they stay
// far below 2^53 in this schema, and callers should not have to juggle strings.
pg.types.setTypeParser(20, (value) => Number(value));
// numeric (dollars) likewise: float precision is ample for display and budgets.
pg.types.setTypeParser(1700, (value) => Number(value));

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    maxLifetimeSeconds: options.maxLifetimeSeconds,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener the
  // process would crash. The next query reconnects.
  pool.on('error', () => {});
  let statements = 0;

  const run = async <Row>(target: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> => {
    statements += 1;
    const result = await target.query(sql, params as unknown[] | undefined);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
  };

  // Fail fast at start when the server is unreachable, instead of at the first request.
  await run(pool, 'SELECT 1');

  return {
    kind: 'postgres',
    get statements() {
      return statements;
    },
    query: (sql, params) => run(pool, sql, params),
    script: async (sql) => {
      statements += 1;
      await pool.query(sql);
    },
    async transaction(work) {
      const client = await pool.connect();
      // A checked-out client whose server goes away between two statements of the transaction
      // emits 'error' with nobody listening (the pool listens only to idle clients), which would
      // crash the process. The failure reaches the caller through the next statement instead.
      const ignore = () => {};
      client.on('error', ignore);
      let broken = false;
      try {
        await run(client, 'BEGIN');
        const scoped: Queryable = {
          query: (sql, params) => run(client, sql, params),
          script: async (sql) => {
            statements += 1;
            await client.query(sql);
          },
        };
        const result = await work(scoped);
        await run(client, 'COMMIT');
        return result;
      } catch (error) {
        // A connection that failed is destroyed, not handed to the next caller.
        broken = isDatabaseUnavailable(error);
        if (!broken) await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.off('error', ignore);
        client.release(broken);
      }
    },
    listen: (channel, onPayload, onReconnect) => listenWithReconnect(options, channel, onPayload, onReconnect),
    poolStatus: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}
