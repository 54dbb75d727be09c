import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import { resumeRun, startRun } from '../../src/orchestrator/runs.js';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime, waitForRun } from '../helpers/runtime.js';

/**
 * Agents call models through the gateway: a run budget that the next call would exceed pauses the
 * run with the reason, and the task goes back to the queue without using up an attempt.
 */
describe.each(databaseVariants())('a run over its budget on $name', (variant) => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  it('pauses with the reason before the call is sent, and keeps the task’s attempt', async () => {
    // The guardian off: its reviews would spend part of the budget and move where the run pauses.
    runtime = await createTestRuntime(variant, { llm: { simulated: { failureRate: 0 } }, guardian: { enabled: false } });
    const definition = parse(await readFile('examples/quickstart.yaml', 'utf8'));
    // A simulated agent step costs about $0.00017 (600 in, 120 out at $0.15/$0.60 per million); a
    // reservation estimates more (the prompt, plus 1,024 output tokens), so about a dozen steps fit.
    definition.budget = { usd: 0.003 };
    await registerWorkflow(runtime.db, definition);
    const run = await startRun(runtime.db, { workflow: 'quickstart', goal: 'stay within budget', simulated: true });
    runtime.startWorker({ concurrency: 1 });
    expect(await waitForRun(runtime, run.id)).toBe('paused');
    await runtime.worker!.stop();
    await runtime.gateway.ledger.flush();

    const { rows: [paused] } = await runtime.db.query<{ status_reason: string }>('SELECT status_reason FROM runs WHERE id = $1', [run.id]);
    expect(paused!.status_reason).toMatch(/budget exhausted/);
    const calls = await runtime.db.query<{ error: string | null; cost_usd: string | null }>('SELECT error, cost_usd FROM llm_calls WHERE run_id = $1 ORDER BY id', [run.id]);
    const spent = calls.rows.filter((row) => row.error === null).reduce((sum, row) => sum + Number(row.cost_usd), 0);
    expect(calls.rows.at(-1)!.error).toBe('BUDGET_EXCEEDED');
    expect(spent).toBeLessThanOrEqual(0.003);
    expect(calls.rows.length).toBeGreaterThan(3);

    const released = await runtime.db.query<{ status: string; attempt: number }>(`SELECT status, attempt FROM tasks WHERE run_id = $1 AND status <> 'done'`, [run.id]);
    expect(released.rows.length).toBeGreaterThan(0);
    expect(released.rows.every((task) => task.status === 'queued' && task.attempt === 0)).toBe(true);
    const events = await runtime.db.query<{ type: string }>('SELECT type FROM events WHERE run_id = $1 ORDER BY seq', [run.id]);
    expect(events.rows.map((event) => event.type)).toEqual(expect.arrayContaining(['run.budget_warning', 'run.paused', 'task.released']));
    const sessions = await runtime.db.query<{ status: string }>(`SELECT status FROM agent_sessions WHERE run_id = $1 ORDER BY started_at DESC LIMIT 1`, [run.id]);
    expect(sessions.rows[0]!.status).toBe('interrupted');

    // Resumed without a larger budget, the next call is refused again: the run pauses once more.
    await resumeRun(runtime.db, run.id);
    runtime.worker!.start();
    expect(await waitForRun(runtime, run.id)).toBe('paused');
  }, 120_000);
});
