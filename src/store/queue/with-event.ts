/**
 * Wraps a single-row mutation (`UPDATE|INSERT … RETURNING *`) so that the same statement also
 * appends its event: the run's event counter is taken (row-locking the run, so a run's events
 * commit in seq order), the event row is written, and a NOTIFY tells other processes. One round
 * trip, and the state change and its event commit or roll back together.
 *
 * The SQL fragments are expressions over the changed row `c`, written by Anvil's code and never
 * built from input. The mutation's rows must expose `run_id` (`runIdColumn`).
 */
export const eventsChannel = 'anvil_events';

export interface WithEventOptions {
  /** CTEs the mutation reads (data-modifying CTEs must sit at the top level of the statement). */
  ctes?: string;
  mutation: string;
  type: string;
  payload: string;
  /** Expression for the event's task id; `c.id` for task mutations. */
  taskId?: string;
  runIdColumn?: string;
  /**
   * The mutation updates the run row itself and increments its event_seq in the same SET (a row
   * cannot be updated twice in one statement: the second update would be silently skipped).
   */
  mutatesRun?: boolean;
  /** Further data-modifying CTEs that run in the same statement (they may read `changed`). */
  extraCtes?: string;
  /** Adds `recheck_dependents` to the result (see recheckDependentsColumn). */
  reportStaleSnapshot?: boolean;
  /** Further assignments to the run row, made in the update that takes its event counter. */
  runSet?: string;
}

/**
 * True when another write to the run committed between this statement's snapshot and its taking
 * the run's row lock (the run row read in the statement, the snapshot's, is behind the one the
 * counter update locked and advanced), in a run where a task may wait on another: what the
 * statement decided about the run's blocked tasks may then be out of date, and its caller looks
 * again (store/queue/unblock.ts). `has_dependents` is read from the locked row, so a dependent
 * task added after the snapshot counts.
 */
function recheckDependentsColumn(lockedSeqBefore: string): string {
  return `coalesce((SELECT bool_or(n.has_dependents AND r0.event_seq <> ${lockedSeqBefore}) FROM event_counter n JOIN runs r0 ON r0.id = n.run_id), false) AS recheck_dependents`;
}

export function withEvent({ ctes, mutation, type, payload, taskId = 'c.id', runIdColumn = 'run_id', mutatesRun = false, extraCtes = '', reportStaleSnapshot = false, runSet = '' }: WithEventOptions): string {
  if ((reportStaleSnapshot || runSet) && mutatesRun) throw new Error('a statement that updates the run row itself can neither compare it with its snapshot nor set more of it');
  const counter = mutatesRun
    ? `SELECT c.id AS run_id, c.event_seq FROM changed c`
    : `UPDATE runs r SET event_seq = r.event_seq + 1, updated_at = now()${runSet ? `, ${runSet}` : ''}
    FROM changed c WHERE r.id = c.${runIdColumn}
    RETURNING r.id AS run_id, r.event_seq, r.has_dependents`;
  return `WITH ${ctes ? `${ctes},\n  ` : ''}changed AS (${mutation})${extraCtes ? `,\n${extraCtes}` : ''},
  event_counter AS (${counter}),
  event AS (
    INSERT INTO events (run_id, seq, type, task_id, payload)
    SELECT n.run_id, n.event_seq, ${type}, ${taskId}, ${payload}
    FROM event_counter n JOIN changed c ON c.${runIdColumn} = n.run_id
    RETURNING run_id, seq
  ),
  notified AS (SELECT pg_notify('${eventsChannel}', e.run_id::text || ':' || e.seq) AS sent FROM event e)
  SELECT c.*, (SELECT seq FROM event LIMIT 1) AS event_seq, (SELECT count(*) FROM notified) AS notified_count${reportStaleSnapshot ? `, ${recheckDependentsColumn('n.event_seq - 1')}` : ''} FROM changed c`;
}

/** A standalone event (a run-level note with no row change of its own). */
export const appendEventSql = `WITH event_counter AS (
    UPDATE runs SET event_seq = event_seq + 1, updated_at = now() WHERE id = $1 RETURNING id, event_seq
  ),
  event AS (
    INSERT INTO events (run_id, seq, type, task_id, payload)
    SELECT n.id, n.event_seq, $2, $3, $4 FROM event_counter n
    RETURNING run_id, seq, type, task_id, payload, created_at
  ),
  notified AS (SELECT pg_notify('${eventsChannel}', e.run_id::text || ':' || e.seq) AS sent FROM event e)
  SELECT e.*, (SELECT count(*) FROM notified) AS notified_count FROM event e`;

/** One kind of event in a statement that appends several: each row of `source` appends one. */
export interface EventSource {
  /** A CTE of the statement (aliased `c` in the expressions below). */
  source: string;
  type: string;
  payload: string;
  /** Expression for the event's task id. Default `c.task_id`. */
  taskId?: string;
  /** Expression for the event's run. Default `c.run_id`. */
  runId?: string;
  /** Only the source's rows that pass this condition append the event. */
  where?: string;
}

export interface WithEventsOptions {
  /** Every CTE of the statement; data-modifying ones must not update the run row (see `runSet`). */
  ctes: string;
  /** The events, in the order their seqs are given. */
  events: EventSource[];
  /** Further assignments to the run row, made in the same UPDATE that takes its event counter. */
  runSet?: string;
  /**
   * The statement's result columns, scalar expressions (`notified_count` is added): the statement
   * returns exactly one row, so the NOTIFY is always sent when events were appended.
   */
  select?: string;
  /** Adds `recheck_dependents` to the result (see recheckDependentsColumn). */
  reportStaleSnapshot?: boolean;
}

/**
 * withEvent for a statement that appends several events (a step that also completes its task
 * and finishes its session). The run's counter is taken once, advanced by the number of events,
 * and the events get consecutive seqs in the order listed; one NOTIFY names the last of them
 * (observers read every event after their cursor, so the last seq is all a signal needs).
 */
export function withEvents({ ctes, events, runSet = '', select = '', reportStaleSnapshot = false }: WithEventsOptions): string {
  const pending = events
    .map(
      (event, position) => `SELECT ${position} AS position, ${event.runId ?? 'c.run_id'}::uuid AS run_id, (${event.type})::text AS type,
      ${event.taskId ?? 'c.task_id'}::uuid AS task_id, (${event.payload})::jsonb AS payload
    FROM ${event.source} c${event.where ? ` WHERE ${event.where}` : ''}`,
    )
    .join('\n    UNION ALL ');
  return `WITH ${ctes},
  pending_event AS (
    ${pending}
  ),
  event_count AS (SELECT run_id, count(*)::int AS events FROM pending_event GROUP BY run_id),
  event_counter AS (
    UPDATE runs r SET event_seq = r.event_seq + x.events, updated_at = now()${runSet ? `, ${runSet}` : ''}
    FROM event_count x WHERE r.id = x.run_id
    RETURNING r.id AS run_id, r.event_seq - x.events AS last_seq_before, r.has_dependents
  ),
  event AS (
    INSERT INTO events (run_id, seq, type, task_id, payload)
    SELECT p.run_id, n.last_seq_before + row_number() OVER (PARTITION BY p.run_id ORDER BY p.position), p.type, p.task_id, p.payload
    FROM pending_event p JOIN event_counter n ON n.run_id = p.run_id
    RETURNING run_id, seq
  ),
  notified AS (SELECT pg_notify('${eventsChannel}', e.run_id::text || ':' || max(e.seq)) AS sent FROM event e GROUP BY e.run_id)
  SELECT ${select ? `${select}, ` : ''}(SELECT count(*) FROM notified) AS notified_count${reportStaleSnapshot ? `, ${recheckDependentsColumn('n.last_seq_before')}` : ''}`;
}
