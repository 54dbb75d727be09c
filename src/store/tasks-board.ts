import type { Queryable } from './database.js';
import type { TaskRow, TaskStatus } from './rows.js';

/**
 * The board query: one run's tasks, optionally one phase and one status, ordered as the board
 * shows them (status, then priority, then age) with keyset pagination. Served by
 * tasks_board_idx (run_id, phase, status, priority DESC, created_at); see bench/indexes.
 */
// created_at_key keeps created_at's microseconds for the cursor: a JS Date holds milliseconds only,
// and a truncated key would repeat rows on the next page.
export const boardPageSql = `SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at_key FROM tasks
  WHERE run_id = $1
    AND ($2::text IS NULL OR phase = $2)
    AND ($3::text IS NULL OR status = $3)
    -- The keyset written out (rather than a row comparison over -priority) so that every branch
    -- can be an index condition on tasks_board_idx (bench/indexes measured a filter otherwise).
    AND ($4::text IS NULL OR status > $4 OR (status = $4 AND (priority < $5 OR (priority = $5 AND (created_at, id) > ($6::timestamptz, $7::uuid)))))
  ORDER BY status, priority DESC, created_at, id
  LIMIT $8`;

export interface BoardCursor {
  status: TaskStatus;
  priority: number;
  createdAt: string;
  id: string;
}

export interface BoardPageOptions {
  runId: string;
  phase?: string;
  status?: TaskStatus;
  after?: BoardCursor;
  limit: number;
}

export async function boardPage(db: Queryable, { runId, phase, status, after, limit }: BoardPageOptions): Promise<{ tasks: TaskRow[]; next?: BoardCursor }> {
  const result = await db.query<TaskRow & { created_at_key: string }>(boardPageSql, [
    runId,
    phase ?? null,
    status ?? null,
    after?.status ?? null,
    after?.priority ?? null,
    after?.createdAt ?? null,
    after?.id ?? null,
    limit + 1,
  ]);
  const tasks = result.rows.slice(0, limit);
  const last = tasks[tasks.length - 1];
  const next =
    result.rows.length > limit && last
      ? { status: last.status, priority: last.priority, createdAt: last.created_at_key, id: last.id }
      : undefined;
  return next ? { tasks, next } : { tasks };
}

export function encodeCursor(cursor: BoardCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string): BoardCursor | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as BoardCursor;
    if (typeof value.status !== 'string' || typeof value.priority !== 'number' || typeof value.id !== 'string') return undefined;
    if (Number.isNaN(Date.parse(value.createdAt))) return undefined;
    return value;
  } catch {
    return undefined;
  }
}
