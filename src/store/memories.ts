import type { Queryable } from './database.js';
import { withEvent } from './queue/with-event.js';

export const memoryKinds = ['discovery', 'decision', 'error_fix', 'warning', 'learning'] as const;
export type MemoryKind = (typeof memoryKinds)[number];

export interface MemoryRow {
  id: string;
  run_id: string;
  task_id: string | null;
  kind: MemoryKind;
  text: string;
  tags: string[];
  created_at: Date;
}

const insertMemorySql = withEvent({
  mutation: `INSERT INTO memories (run_id, task_id, kind, text, tags, embedding, embedding_model) VALUES ($1, $2, $3, $4, $5::text[], $6::real[], $7)
    RETURNING id, run_id, task_id, kind, text, tags, created_at`,
  taskId: 'c.task_id',
  type: `'memory.saved'`,
  payload: `jsonb_build_object('memory_id', c.id, 'kind', c.kind, 'text', left(c.text, 200))`,
});

export interface NewMemory {
  runId: string;
  taskId: string | null;
  kind: MemoryKind;
  text: string;
  tags: string[];
  /** The text's unit embedding and the model that made it; absent without an embedding model. */
  embedding?: { vector: readonly number[]; model: string };
}

export async function insertMemory(db: Queryable, memory: NewMemory): Promise<MemoryRow> {
  const result = await db.query<MemoryRow>(insertMemorySql, [memory.runId, memory.taskId, memory.kind, memory.text, memory.tags, memory.embedding?.vector ?? null, memory.embedding?.model ?? null]);
  return result.rows[0]!;
}

export async function listMemories(db: Queryable, { runId, kind, limit }: { runId?: string; kind?: MemoryKind; limit: number }): Promise<MemoryRow[]> {
  const result = await db.query<MemoryRow>(
    `SELECT id, run_id, task_id, kind, text, tags, created_at FROM memories
     WHERE ($1::uuid IS NULL OR run_id = $1) AND ($2::text IS NULL OR kind = $2)
     ORDER BY created_at DESC LIMIT $3`,
    [runId ?? null, kind ?? null, limit],
  );
  return result.rows;
}
