import type { Queryable } from './database.js';
import type { EventRow } from './rows.js';
import { appendEventSql } from './queue/with-event.js';

export async function appendEvent(db: Queryable, runId: string, type: string, payload: Record<string, unknown>, taskId: string | null = null): Promise<EventRow> {
  const result = await db.query<EventRow>(appendEventSql, [runId, type, taskId, JSON.stringify(payload)]);
  return result.rows[0]!;
}

/** A run's events after `afterSeq`, in order: the SSE stream and its resumption. */
export async function eventsAfter(db: Queryable, runId: string, afterSeq: number, limit = 500): Promise<EventRow[]> {
  const result = await db.query<EventRow>('SELECT * FROM events WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [runId, afterSeq, limit]);
  return result.rows;
}

/** The `limit` events before `beforeSeq` (newest first): the dashboard's feed when it opens. */
export async function eventsBefore(db: Queryable, runId: string, beforeSeq: number, limit = 100): Promise<EventRow[]> {
  const result = await db.query<EventRow>('SELECT * FROM events WHERE run_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3', [runId, beforeSeq, limit]);
  return result.rows;
}
