import type { Queryable } from './database.js';
import { completedEventPayload, completionMutation, completionSideEffectCtes } from './queue/complete.js';
import { recheckDependents } from './queue/unblock.js';
import { withEvents, type EventSource } from './queue/with-event.js';
import { deliveredCte } from './session-messages.js';
import type { SessionStatus, StepRow } from './sessions.js';

/**
 * The writes of an agent session, each one statement with its events (withEvents):
 *
 *   recordStep        persists a step (marking the inbox messages its prompt carried delivered);
 *                     the session's first step also writes the session row
 *   recordCompletion  the step that called complete_task: completes the task (fenced by attempt
 *                     and worker), persists the step and finishes the session, all or nothing
 *   finishSession     ends a session any other way (failed, capped, interrupted)
 *
 * The session row is written with the first step rather than before the first model call: a
 * session that persisted nothing has nothing to resume from, and the common one-step session
 * costs one statement instead of four (start, complete, step, finish). Its id is chosen by the
 * worker, so model calls made before the row exists already carry it.
 *
 * Parameters $1-$10 are the session's identity in every statement; each adds its own from $11.
 */
export interface SessionIdentity {
  id: string;
  taskId: string;
  runId: string;
  attempt: number;
  workerId: string;
  model: string;
  simulated: boolean;
  /** The interrupted session this one continues. */
  resumedFrom: string | null;
  /** Steps replayed from the interrupted session (reported in session.resumed). */
  resumedSteps: number;
  /** The row was written by an earlier statement of this session: its start was announced. */
  opened: boolean;
}

export interface StepRecord {
  index: number;
  kind: string;
  payload: StepRow['payload'];
  usage: NonNullable<StepRow['usage']>;
}

export interface SessionTotals {
  steps: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

const identityColumns = 'id, task_id, run_id, attempt, worker_id, model, simulated, resumed_from';
const identityValues = '$1::uuid, $2::uuid, $3::uuid, $4::int, $5::text, $6::text, $7::boolean, $8::uuid';
const sessionColumns = 'id, task_id, run_id, attempt, model, simulated, resumed_from, status, steps, tokens_input, tokens_output, cost_usd, error';

function identityParameters(session: SessionIdentity): unknown[] {
  return [session.id, session.taskId, session.runId, session.attempt, session.workerId, session.model, session.simulated, session.resumedFrom, session.resumedSteps, session.opened];
}

/** session.started (or session.resumed), once per session: from its first statement. */
const sessionOpenedEvent = (source: string, where?: string): EventSource => ({
  source,
  where,
  type: `CASE WHEN c.resumed_from IS NULL THEN 'session.started' ELSE 'session.resumed' END`,
  payload: `jsonb_build_object('session_id', c.id, 'attempt', c.attempt, 'model', c.model, 'simulated', c.simulated,
    'resumed_from', c.resumed_from, 'resumed_steps', $9::int)`,
});

const stepEvent: EventSource = {
  source: 'step_row',
  taskId: '$2',
  runId: '$3',
  type: `'step.completed'`,
  payload: `jsonb_build_object('session_id', c.session_id, 'index', c.index, 'kind', c.kind, 'usage', c.usage,
    'tool_calls', coalesce((SELECT jsonb_agg(x -> 'toolName') FROM jsonb_array_elements(c.payload -> 'toolCalls') x), '[]'::jsonb),
    'delivered', coalesce((SELECT jsonb_agg(d.id) FROM delivered d), '[]'::jsonb))`,
};

const sessionFinishedEvent: EventSource = {
  source: 'session_row',
  type: `'session.finished'`,
  payload: `jsonb_build_object('session_id', c.id, 'attempt', c.attempt, 'status', c.status, 'steps', c.steps,
    'tokens', jsonb_build_object('input', c.tokens_input, 'output', c.tokens_output), 'cost_usd', c.cost_usd, 'error', c.error)`,
};

/**
 * A step row of the session, its index, kind, payload and usage at `$first`…`$first+3`, and the
 * inbox messages its prompt carried (`$first+4`, uuid[]) marked delivered with it: a session
 * resumed from its persisted steps neither loses nor repeats one.
 */
function stepCtes(sessionId: string, first: number, from = ''): string {
  return `step_row AS (
    INSERT INTO steps (session_id, index, kind, payload, usage)
    SELECT ${sessionId}, $${first}::int, $${first + 1}::text, $${first + 2}::jsonb, $${first + 3}::jsonb ${from}
    RETURNING session_id, index, kind, payload, usage
  ),
  ${deliveredCte({ ids: `CASE WHEN EXISTS (SELECT 1 FROM step_row) THEN $${first + 4}::uuid[] ELSE '{}' END`, sessionId: '(SELECT session_id FROM step_row)', step: `$${first}::int` })}`;
}

function stepParameters(step: StepRecord): unknown[] {
  return [step.index, step.kind, JSON.stringify(step.payload), JSON.stringify(step.usage), step.payload.delivered ?? []];
}

/**
 * The session's final row, written whether or not it exists yet (a session may end before its
 * first step was persisted). Status, steps, tokens, cost and error are at `$first`…`$first+5`;
 * the run's totals get the same usage in the statement's one update of the run row.
 */
function finishedSession(first: number, from = ''): { cte: string; runSet: string } {
  const [status, steps, input, output, cost, error] = [0, 1, 2, 3, 4, 5].map((offset) => `$${first + offset}`);
  return {
    cte: `session_row AS (
    INSERT INTO agent_sessions (${identityColumns}, status, steps, tokens_input, tokens_output, cost_usd, error, finished_at)
    SELECT ${identityValues}, ${status}::text, ${steps}::int, ${input}::bigint, ${output}::bigint, ${cost}::numeric, ${error}::text, now() ${from}
    ON CONFLICT (task_id, attempt) DO UPDATE SET worker_id = EXCLUDED.worker_id, status = EXCLUDED.status, steps = EXCLUDED.steps,
      tokens_input = EXCLUDED.tokens_input, tokens_output = EXCLUDED.tokens_output, cost_usd = EXCLUDED.cost_usd,
      error = EXCLUDED.error, finished_at = EXCLUDED.finished_at
    RETURNING ${sessionColumns}
  )`,
    runSet: `tokens_input = r.tokens_input + ${input}::bigint, tokens_output = r.tokens_output + ${output}::bigint, cost_usd = r.cost_usd + ${cost}::numeric`,
  };
}

const recordStepSql = withEvents({
  ctes: `session_opened AS (
    INSERT INTO agent_sessions (${identityColumns})
    SELECT ${identityValues} WHERE NOT $10::boolean
    ON CONFLICT (task_id, attempt) DO UPDATE SET worker_id = EXCLUDED.worker_id, status = 'running', finished_at = NULL
    RETURNING ${sessionColumns}
  ),
  ${stepCtes('coalesce((SELECT id FROM session_opened), $1::uuid)', 11)}`,
  events: [sessionOpenedEvent('session_opened'), stepEvent],
  // Whether more messages wait than this step took: the session reads its inbox only then.
  select: `coalesce((SELECT id FROM session_opened), $1::uuid) AS session_id,
    EXISTS (SELECT 1 FROM session_messages m WHERE m.task_id = $2::uuid AND m.delivered_at IS NULL AND NOT (m.id = ANY ($15::uuid[]))) AS inbox_waiting`,
});

/**
 * Persists one step with its event, before the next step starts; the first one writes the
 * session row too. Returns the session's id (a task given back without using its attempt
 * continues in the row its attempt already has) and whether messages still wait in its inbox.
 */
export async function recordStep(db: Queryable, session: SessionIdentity, step: StepRecord): Promise<{ sessionId: string; inboxWaiting: boolean }> {
  const result = await db.query<{ session_id: string; inbox_waiting: boolean }>(recordStepSql, [...identityParameters(session), ...stepParameters(step)]);
  const row = result.rows[0]!;
  return { sessionId: row.session_id, inboxWaiting: row.inbox_waiting === true };
}

const completion = finishedSession(16, 'FROM changed');
const recordCompletionSql = withEvents({
  ctes: `changed AS (${completionMutation({ taskId: '$2::uuid', attempt: '$4::int', workerId: '$5::text', result: '$22::jsonb' })}),
  ${completionSideEffectCtes()},
  ${completion.cte},
  ${stepCtes('s.id', 11, 'FROM session_row s')}`,
  events: [
    sessionOpenedEvent('session_row', 'NOT $10::boolean'),
    stepEvent,
    { source: 'changed', taskId: 'c.id', type: `'task.completed'`, payload: completedEventPayload },
    sessionFinishedEvent,
  ],
  runSet: completion.runSet,
  select: '(SELECT count(*)::int FROM changed) AS completed, (SELECT run_id FROM changed) AS run_id',
  reportStaleSnapshot: true,
});

/**
 * The step in which the agent called complete_task: completes the task, persists the step and
 * finishes the session in one statement, so the completion commits with the step that asked
 * for it. Fenced like completeTask: false (and nothing written) when this worker no longer
 * holds the attempt.
 */
export async function recordCompletion(db: Queryable, session: SessionIdentity, step: StepRecord, totals: SessionTotals, result: unknown): Promise<boolean> {
  const outcome = await db.query<{ completed: number; run_id: string | null; recheck_dependents: boolean }>(recordCompletionSql, [
    ...identityParameters(session),
    ...stepParameters(step),
    'completed',
    totals.steps,
    totals.inputTokens,
    totals.outputTokens,
    totals.costUsd,
    null,
    JSON.stringify(result ?? null),
  ]);
  const row = outcome.rows[0]!;
  await recheckDependents(db, row);
  return Number(row.completed) > 0;
}

const finish = finishedSession(11);
const finishSessionSql = withEvents({
  ctes: finish.cte,
  events: [sessionOpenedEvent('session_row', 'NOT $10::boolean'), sessionFinishedEvent],
  runSet: finish.runSet,
});

/**
 * Ends a session that did not complete its task, adds its usage to the run's totals and appends
 * session.finished (after session.started, when no step had written the row).
 */
export async function finishSession(db: Queryable, session: SessionIdentity, status: SessionStatus, totals: SessionTotals, error: string | null): Promise<void> {
  await db.query(finishSessionSql, [...identityParameters(session), status, totals.steps, totals.inputTokens, totals.outputTokens, totals.costUsd, error]);
}
