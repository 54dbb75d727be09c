/**
 * What an agent does to its run, as plain functions of the database: the built-in agents' tools
 * (tools.ts) and outside agents' MCP tools (src/mcp/) both call these — with ask_human
 * (../human/questions.ts) and submit_result (../review/result.ts) — so a task, memory or
 * completion made through either looks the same and emits the same events.
 */
import type { Queryable } from '../../store/database.js';
import { appendEvent } from '../../store/events.js';
import type { MemoryKind } from '../../store/memories.js';
import { completeTask, failTask, retryDelaySeconds, submitTaskForReview, type LeaseHolder } from '../../store/queue/index.js';
import type { TaskRow } from '../../store/rows.js';
import type { MemoryService } from '../memory.js';
import { createTask, type ConductorServices, type CreateTaskInput } from '../tasks.js';
import { phaseReview, type PhaseDefinition } from '../workflow/index.js';

/** A task an agent discovered: a task to create, whose parent is always stated (null at the top). */
export type DiscoveredTaskInput = CreateTaskInput & {
  /** The task whose work revealed this one; null for a task an outside agent adds at the top. */
  parentTaskId: string | null;
};

/**
 * Creates a discovered task; an equivalent existing task is returned instead, and the event says
 * so. With the conductor, a near-duplicate is recorded cancelled (or merged into the earlier task)
 * and the answer names the earlier task and why.
 */
export async function discoverTask(
  db: Queryable,
  input: DiscoveredTaskInput,
  options: { conductor?: ConductorServices } = {},
): Promise<{ task_id: string; status: string; duplicate: boolean; near_duplicate?: { cancelled_task_id: string; reason: string } }> {
  const created = await createTask(db, input, options);
  if (created.nearDuplicate) {
    return { task_id: created.task.id, status: created.task.status, duplicate: true, near_duplicate: { cancelled_task_id: created.nearDuplicate.taskId, reason: created.nearDuplicate.reason } };
  }
  if (created.duplicate) {
    await appendEvent(db, input.runId, 'task.duplicate_returned', { existing_task_id: created.task.id, title: input.title, phase: input.phase }, input.parentTaskId);
  }
  return { task_id: created.task.id, status: created.task.status, duplicate: created.duplicate };
}

/**
 * Completes the held attempt with the agent's summary; LEASE_LOST when the lease is no longer
 * held. In a phase with review "done" is the reviewer's word: the task waits in review (`review`
 * true), still held, and the caller runs the reviewer (src/orchestrator/review/task-review.ts).
 */
export async function completeHeldTask(db: Queryable, holder: LeaseHolder, phase: PhaseDefinition, { summary, result }: { summary: string; result?: unknown }): Promise<{ task: TaskRow; review: boolean }> {
  const value = { summary, result: result ?? null };
  if (phaseReview(phase)) return { task: await submitTaskForReview(db, holder, value), review: true };
  return { task: await completeTask(db, holder, value), review: false };
}

/** Fails the held attempt; a retryable failure with attempts left is queued again after backoff. */
export async function failHeldTask(db: Queryable, holder: LeaseHolder, { reason, retryable, retryBaseMs }: { reason: string; retryable: boolean; retryBaseMs: number }): Promise<TaskRow> {
  return failTask(db, holder, { reason, retryable, retryDelaySeconds: retryDelaySeconds(holder.attempt, retryBaseMs) });
}

export async function saveRunMemory(memory: MemoryService, request: { runId: string; taskId: string | null; kind: MemoryKind; text: string; tags?: string[] }): Promise<{ memory_id: string }> {
  const saved = await memory.save({ ...request, tags: request.tags ?? [], context: request.taskId ? { taskId: request.taskId } : undefined });
  return { memory_id: saved.id };
}

/** Searches the run's memories (hybrid where an embedding model is configured) and records the search as an event. */
export async function searchRunMemory(db: Queryable, memory: MemoryService, { runId, taskId, query, kinds, limit }: { runId: string; taskId: string | null; query: string; kinds?: readonly MemoryKind[]; limit: number }) {
  const found = await memory.search({ runId, query, kinds, limit, context: taskId ? { taskId } : undefined });
  const memories = found.memories;
  await appendEvent(db, runId, 'memory.searched', { query, mode: found.mode, found: memories.length, memory_ids: memories.map((m) => m.id) }, taskId);
  return { mode: found.mode, memories: memories.map((m) => ({ id: m.id, kind: m.kind, text: m.text, score: Number(m.score.toFixed(4)) })) };
}
