import { performance } from 'node:perf_hooks';
import type { Database, Queryable } from '../store/database.js';
import type { Telemetry } from './telemetry.js';

/**
 * Times every statement at the Database seam and emits `db.query`, without a round trip of its
 * own. A proxy delegates everything else (kind, statements, poolStatus, dump on PGlite) to the
 * wrapped database, bound to it, so callers keep whatever the implementation offers.
 * Measured as the caller sees it: time waiting for a pool connection is included.
 */
export function instrumentDatabase<D extends Database>(database: D, telemetry: Telemetry): D {
  const timed = <T>(work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    return work().then(
      (result) => {
        telemetry.emit('db.query', { durationMs: performance.now() - started, failed: false });
        return result;
      },
      (error: unknown) => {
        telemetry.emit('db.query', { durationMs: performance.now() - started, failed: true });
        throw error;
      },
    );
  };
  const scoped = (target: Queryable): Queryable => ({
    query: (sql, params) => timed(() => target.query(sql, params)),
    script: (sql) => timed(() => target.script(sql)),
  });
  const overrides: Partial<Record<PropertyKey, unknown>> = {
    query: (sql: string, params?: readonly unknown[]) => timed(() => database.query(sql, params)),
    script: (sql: string) => timed(() => database.script(sql)),
    transaction: <T>(work: (transaction: Queryable) => Promise<T>) => database.transaction((transaction) => work(scoped(transaction))),
  };
  return new Proxy(database, {
    get(target, property) {
      if (property in overrides) return overrides[property];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
