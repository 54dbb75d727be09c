/**
 * The Database seam: PGlite (embedded, in-process) and PostgreSQL (a `pg` pool) behind one small
 * interface, both speaking the PostgreSQL 15 dialect. Every statement counts toward `statements`,
 * which the queue benchmark reads to report round trips per task.
 */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  script(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Statements sent since the database was opened (round trips). */
  readonly statements: number;
  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T>;
  /**
   * Subscribes to a NOTIFY channel; returns the unsubscribe function. A lost listening connection
   * is reopened (PostgreSQL restarted); notifications sent meanwhile are gone, so `onReconnect`
   * tells the subscriber to re-read what it follows.
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  /** Current pool use, for metrics and the status route. */
  poolStatus(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}
