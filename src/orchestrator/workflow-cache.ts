import type { Queryable } from '../store/database.js';
import { getWorkflow, type StoredWorkflow } from './workflows.js';

/** Finds a stored workflow version by id (what a run records). */
export type WorkflowLookup = (db: Queryable, id: string) => Promise<StoredWorkflow>;

export interface WorkflowCacheOptions {
  /** Versions kept; the least recently used goes first. Default 100. */
  max?: number;
  /** Where a miss is read from. Default getWorkflow (one statement). */
  load?: WorkflowLookup;
}

/**
 * A worker reads a task's workflow for every agent session; a stored version never changes
 * (another definition is another version, with another id), so a worker keeps the versions it
 * used. Only lookups by id are cached: a name resolves to the latest version, which does change.
 * Each worker owns its cache (no module-level state).
 */
export function createWorkflowCache({ max = 100, load = getWorkflow }: WorkflowCacheOptions = {}): WorkflowLookup {
  const versions = new Map<string, StoredWorkflow>();
  return async function cachedWorkflow(db, id) {
    const hit = versions.get(id);
    if (hit) {
      // Re-inserting moves the entry to the end of the Map's order: most recently used.
      versions.delete(id);
      versions.set(id, hit);
      return hit;
    }
    const workflow = await load(db, id);
    if (workflow.id !== id) return workflow;
    versions.set(id, workflow);
    if (versions.size > max) versions.delete(versions.keys().next().value!);
    return workflow;
  };
}
