import type { Queryable } from './database.js';

export interface WorkflowRow {
  id: string;
  name: string;
  version: number;
  definition: unknown;
  checksum: string;
  created_at: Date;
}

export async function findWorkflowVersion(db: Queryable, name: string, version: number): Promise<WorkflowRow | undefined> {
  const result = await db.query<WorkflowRow>('SELECT * FROM workflows WHERE name = $1 AND version = $2', [name, version]);
  return result.rows[0];
}

export async function findWorkflow(db: Queryable, idOrName: string): Promise<WorkflowRow | undefined> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName);
  const result = isUuid
    ? await db.query<WorkflowRow>('SELECT * FROM workflows WHERE id = $1', [idOrName])
    : await db.query<WorkflowRow>('SELECT * FROM workflows WHERE name = $1 ORDER BY version DESC LIMIT 1', [idOrName]);
  return result.rows[0];
}

export async function latestVersion(db: Queryable, name: string): Promise<number> {
  const result = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM workflows WHERE name = $1', [name]);
  return Number(result.rows[0]?.version ?? 0);
}

/** Inserts a version; returns undefined when that name and version already exist. */
export async function insertWorkflow(db: Queryable, row: { name: string; version: number; definition: unknown; checksum: string }): Promise<WorkflowRow | undefined> {
  const result = await db.query<WorkflowRow>(
    `INSERT INTO workflows (name, version, definition, checksum) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name, version) DO NOTHING RETURNING *`,
    [row.name, row.version, JSON.stringify(row.definition), row.checksum],
  );
  return result.rows[0];
}

export async function listWorkflows(db: Queryable): Promise<WorkflowRow[]> {
  const result = await db.query<WorkflowRow>(
    `SELECT DISTINCT ON (name) * FROM workflows ORDER BY name, version DESC`,
  );
  return result.rows;
}
