import { AnvilError } from '../errors.js';
import type { Queryable } from '../store/database.js';
import * as store from '../store/workflows.js';
import { validateWorkflow, type WorkflowDefinition } from './workflow/index.js';

export interface StoredWorkflow {
  id: string;
  name: string;
  version: number;
  definition: WorkflowDefinition;
  created_at: Date;
}

/**
 * Registers a workflow version. The same name, version and content is idempotent; the same name
 * and version with other content is a conflict, unless `bumpVersion` asks to store it as the
 * next version (what `anvil run FILE` does after a file was edited).
 */
export async function registerWorkflow(db: Queryable, input: unknown, { bumpVersion = false } = {}): Promise<StoredWorkflow & { created: boolean }> {
  const { definition, checksum } = validateWorkflow(input);
  const existing = await store.findWorkflowVersion(db, definition.name, definition.version);
  if (existing) {
    if (existing.checksum === checksum) return { ...toStored(existing), created: false };
    if (!bumpVersion) {
      throw new AnvilError('WORKFLOW_VERSION_CONFLICT', `workflow ${definition.name} version ${definition.version} exists with a different definition; raise its version`, {
        name: definition.name,
        version: definition.version,
      });
    }
    const version = (await store.latestVersion(db, definition.name)) + 1;
    return registerWorkflow(db, { ...(input as object), version }, { bumpVersion });
  }
  const inserted = await store.insertWorkflow(db, { name: definition.name, version: definition.version, definition, checksum });
  if (!inserted) return registerWorkflow(db, input, { bumpVersion }); // lost a race with an identical insert
  return { ...toStored(inserted), created: true };
}

export async function getWorkflow(db: Queryable, idOrName: string): Promise<StoredWorkflow> {
  const row = await store.findWorkflow(db, idOrName);
  if (!row) throw new AnvilError('WORKFLOW_NOT_FOUND', `workflow ${idOrName} not found`, { id: idOrName });
  return toStored(row);
}

export async function listWorkflows(db: Queryable): Promise<StoredWorkflow[]> {
  return (await store.listWorkflows(db)).map(toStored);
}

function toStored(row: store.WorkflowRow): StoredWorkflow {
  return { id: row.id, name: row.name, version: row.version, definition: row.definition as WorkflowDefinition, created_at: row.created_at };
}
