import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guardianSchema } from '../../src/config/agents-schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { runAgentSession, type ModelSource } from '../../src/orchestrator/agent/session.js';
import type { Database } from '../../src/store/database.js';
import { guardianSpendOfRun, guardianVerdictsOfRun } from '../../src/store/guardian-verdicts.js';
import { claimTask } from '../../src/store/queue/index.js';
import type { TaskRow } from '../../src/store/rows.js';
import type { StepRow } from '../../src/store/sessions.js';
import { databaseVariants } from '../helpers/databases.js';
import { startTestRun, threePhaseWorkflow } from '../helpers/fixtures.js';
import { simulatedModels } from '../helpers/runtime.js';

/**
 * The guardian watching one agent session, on the simulated model playing both sides: an agent
 * whose task title carries [drift] wanders off-topic until steered, one with [loop] repeats
 * itself until stopped, and `simulated/guardian` judges the transcript it is sent.
 */
describe.each(databaseVariants())('the guardian in an agent session on $name', (variant) => {
  let db: Database;
  const logger = createLogger({ level: 'silent' });
  const guardian = guardianSchema.parse({ everySteps: 2 });
  beforeEach(async () => {
    db = await variant.open();
  });
  afterEach(async () => {
    await db.close();
  });

  const start = async (goal: string, workflowGuardian: Record<string, unknown> = {}) => {
    const run = await startTestRun(db, threePhaseWorkflow({ guardian: workflowGuardian, first_task: { title: 'Start {goal}' } }), goal);
    const task = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
    return { run, task };
  };
  const session = (task: TaskRow, models: ModelSource = simulatedModels({ failureRate: 0 })) =>
    runAgentSession({ db, task, workerId: task.worker_id!, models, price: () => 0.001, logger, retryBaseMs: 10, signal: new AbortController().signal, guardian });
  const stepsOf = async (taskId: string) =>
    (await db.query<StepRow & { attempt: number }>('SELECT s.*, a.attempt FROM steps s JOIN agent_sessions a ON a.id = s.session_id WHERE a.task_id = $1 ORDER BY a.attempt, s.index', [taskId])).rows;
  const callOf = (step: StepRow) => (step.payload.toolCalls as { toolName: string; input: Record<string, unknown> }[])[0];

  it('catches a drifting agent, steers it back with a message its next step follows, and lets it finish', async () => {
    const { run, task } = await start('[drift] tidy the parser');
    const result = await session(task);
    expect(result.status).toBe('completed');

    const verdicts = await guardianVerdictsOfRun(db, run.id);
    expect(verdicts[0]).toMatchObject({ verdict: 'drifting', action: 'steer', steps_seen: 2, model: 'simulated/guardian' });
    expect(verdicts[0]!.score).toBeLessThan(0.5);
    expect(verdicts.slice(1).every((verdict) => verdict.verdict === 'on_track' && verdict.action === 'none')).toBe(true);

    const steps = await stepsOf(task.id);
    // Two wandering steps, then the step that carried the steering message is back on the task.
    expect(steps.slice(0, 2).map((step) => step.payload.text)).toEqual([expect.stringContaining('Wandering off'), expect.stringContaining('Wandering off')]);
    const steered = steps.find((step) => (step.payload.delivered ?? []).includes(verdicts[0]!.message_id!))!;
    expect(steered.index).toBe(2);
    expect(callOf(steered)).toMatchObject({ toolName: 'search_memory', input: { query: expect.stringContaining('parser') } });
    expect(steered.payload.text).not.toContain('Wandering');

    const events = await db.query<{ type: string; payload: Record<string, unknown> }>("SELECT type, payload FROM events WHERE run_id = $1 AND type IN ('guardian.verdict', 'session.message_posted') ORDER BY seq", [run.id]);
    expect(events.rows[0]).toMatchObject({ type: 'session.message_posted', payload: { source: 'guardian', message_id: verdicts[0]!.message_id } });
    expect(events.rows[1]).toMatchObject({ type: 'guardian.verdict', payload: { verdict: 'drifting', action: 'steer' } });
  });

  it('stops a looping agent as stuck; the task returns to the queue and its next attempt reads the note and finishes', async () => {
    const { run, task } = await start('[loop] tidy the parser');
    const first = await session(task);
    expect(first).toEqual({ status: 'stopped', taskFinal: false, taskFailed: false });
    const verdicts = await guardianVerdictsOfRun(db, run.id);
    expect(verdicts.map((verdict) => [verdict.verdict, verdict.action])).toEqual([
      ['drifting', 'steer'],
      ['stuck', 'stop'],
    ]);
    const requeued = (await db.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [task.id])).rows[0]!;
    expect(requeued.status).toBe('queued');
    expect(requeued.error).toMatch(/^stopped by the guardian: stuck \(score 0\.15\): /);

    const again = (await claimTask(db, { workerId: 'w2', leaseSeconds: 30 }))!;
    expect(again.attempt).toBe(2);
    expect((await session(again)).status).toBe('completed');
    const secondAttempt = (await stepsOf(task.id)).filter((step) => step.attempt === 2);
    expect(secondAttempt.every((step) => !String(step.payload.text).includes('same memory again'))).toBe(true);
  });

  it('stops steering after driftingLimit drifting verdicts and stops the session instead', async () => {
    const { run, task } = await start('[drift] tidy the parser', { drifting_limit: 1 });
    expect((await session(task)).status).toBe('stopped');
    const [verdict] = await guardianVerdictsOfRun(db, run.id);
    expect(verdict).toMatchObject({ verdict: 'drifting', action: 'stop' });
  });

  it('reports its spend per run, adds it to the run totals, and stops reviewing past its budget line', async () => {
    const { run, task } = await start('[drift] tidy the parser', { budget_usd: 0.0005 });
    // $0.001 per call: the first review spends the line, so the drift is steered once and never reviewed again.
    expect((await session(task)).status).toBe('completed');
    const spend = await guardianSpendOfRun(db, run.id);
    expect(spend).toMatchObject({ reviews: 1, steers: 1, stops: 0, cost_usd: 0.001, unpriced_reviews: 0 });
    expect(spend.tokens_input).toBeGreaterThan(0);
    const exhausted = await db.query("SELECT 1 FROM events WHERE run_id = $1 AND type = 'guardian.budget_exhausted'", [run.id]);
    expect(exhausted.rows).toHaveLength(1);
    const totals = await db.query<{ cost_usd: string; session_cost: string }>(
      'SELECT r.cost_usd, (SELECT sum(cost_usd) FROM agent_sessions WHERE run_id = r.id) AS session_cost FROM runs r WHERE r.id = $1',
      [run.id],
    );
    expect(Number(totals.rows[0]!.cost_usd)).toBeCloseTo(Number(totals.rows[0]!.session_cost) + 0.001, 9);
  });

  it('never fails the session it watches when a review fails', async () => {
    const { run, task } = await start('tidy the parser');
    const base = simulatedModels({ failureRate: 0 });
    const broken: ModelSource = {
      defaultModelName: () => base.defaultModelName(),
      resolve: (name) => {
        if (name !== 'simulated/guardian') return base.resolve(name);
        const failing = { ...base.resolve(name) };
        failing.model = { specificationVersion: 'v3', provider: 'simulated', modelId: 'guardian', supportedUrls: {}, doGenerate: () => Promise.reject(new Error('guardian provider down')), doStream: () => Promise.reject(new Error('down')) };
        return failing;
      },
    };
    expect((await session(task, broken)).status).toBe('completed');
    expect(await guardianVerdictsOfRun(db, run.id)).toEqual([]);
  });

  it('leaves a session unwatched when the workflow turns the guardian off', async () => {
    const { run, task } = await start('[drift] tidy the parser', { enabled: false });
    const result = await session(task);
    // Never steered, the agent wanders until the step cap ends its session.
    expect(result.status).toBe('capped');
    expect(await guardianVerdictsOfRun(db, run.id)).toEqual([]);
  });
});
