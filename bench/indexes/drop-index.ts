import type { Queryable } from '../../src/store/database.js';

/**
 * Drops an index (or the constraint that owns it, such as a primary key) and returns a function
 * that recreates it exactly as it was, from the catalog's own definition. Reading the definition
 * instead of repeating it here keeps the benchmark measuring whatever the migrations declare.
 */
export async function dropIndexTemporarily(db: Queryable, indexName: string): Promise<() => Promise<void>> {
  const found = await db.query<{ table_name: string; index_definition: string; constraint_definition: string | null }>(
    `SELECT c.relname AS table_name, pg_get_indexdef(i.indexrelid) AS index_definition, pg_get_constraintdef(k.oid) AS constraint_definition
       FROM pg_index i
       JOIN pg_class x ON x.oid = i.indexrelid
       JOIN pg_class c ON c.oid = i.indrelid
       LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid
      WHERE x.relname = $1`,
    [indexName],
  );
  const index = found.rows[0];
  if (!index) throw new Error(`no index named ${indexName}`);
  const table = index.table_name;
  if (index.constraint_definition) {
    await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${indexName}`);
    return async () => {
      await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${indexName} ${index.constraint_definition}`);
    };
  }
  await db.query(`DROP INDEX ${indexName}`);
  return async () => {
    await db.query(index.index_definition);
  };
}
