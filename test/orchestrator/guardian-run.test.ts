import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/index.js';
import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import type { StepRow } from '../../src/store/sessions.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { threePhaseWorkflow } from '../helpers/fixtures.js';
import { listen } from '../helpers/http.js';
import { waitForRun } from '../helpers/runtime.js';

/**
 * End to end on the simulated model, through a worker: the first task's agent drifts off-topic
 * ([drift]) and proposes one follow-up twice in different words ([twins]). The guardian catches
 * the drift and steers the agent back; the conductor merges the near-duplicate; the run succeeds;
 * the verdicts are in the API and the CLI.
 */
describe('a run with the guardian and the conductor at work', () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  it('steers a drifting agent back, merges a near-duplicate, succeeds, and reports the verdicts over HTTP and the CLI', async () => {
    const dataDir = join(temporaryFolder(), 'data');
    runtime = await createRuntime(testConfig({ database: { dataDir }, worker: { retryBaseMs: 20, heartbeatSeconds: 1, leaseSeconds: 5 }, llm: { simulated: { failureRate: 0 } } }));
    const { db } = runtime;
    await registerWorkflow(db, threePhaseWorkflow({ name: 'watched', guardian: { every_steps: 2 }, limits: { max_attempts: 2, max_tasks: 50, max_depth: 2, max_steps: 16 } }));
    const run = await startRun(db, { workflow: 'watched', goal: '[drift] [twins] tidy the parser', simulated: true });
    // One session at a time: the merged-into task is still waiting when its twin is proposed.
    runtime.startWorker({ concurrency: 1 });
    expect(await waitForRun(runtime, run.id, 120_000)).toBe('succeeded');

    const events = await db.query<{ type: string; task_id: string; payload: Record<string, unknown> }>('SELECT type, task_id, payload FROM events WHERE run_id = $1 ORDER BY seq', [run.id]);
    const drifting = events.rows.find((event) => event.type === 'guardian.verdict' && event.payload.verdict === 'drifting')!;
    expect(drifting.payload).toMatchObject({ action: 'steer', message_id: expect.any(String) });
    const steering = events.rows.find((event) => event.type === 'session.message_posted' && event.payload.message_id === drifting.payload.message_id)!;
    expect(steering.payload).toMatchObject({ source: 'guardian', body: expect.stringContaining('drifted') });

    // The step that carried the steering message works on the task again.
    const steps = await db.query<StepRow>('SELECT s.* FROM steps s JOIN agent_sessions a ON a.id = s.session_id WHERE a.task_id = $1 ORDER BY a.attempt, s.index', [drifting.task_id]);
    const steered = steps.rows.findIndex((step) => (step.payload.delivered ?? []).includes(String(drifting.payload.message_id)));
    expect(steered).toBeGreaterThan(0);
    expect(steps.rows[steered - 1]!.payload.text).toContain('Wandering off');
    expect(steps.rows[steered]!.payload.text).not.toContain('Wandering off');
    expect(JSON.stringify(steps.rows[steered]!.payload.toolCalls)).toContain('parser');

    const merged = events.rows.find((event) => event.type === 'task.duplicate_merged')!;
    expect(merged.payload).toMatchObject({ title: expect.stringMatching(/ fully$/), reason: expect.stringMatching(/^near-duplicate of task .+; merged into it$/) });
    const duplicate = await db.query<{ status: string; duplicate_of: string }>('SELECT status, duplicate_of FROM tasks WHERE id = $1', [merged.task_id]);
    expect(duplicate.rows[0]).toMatchObject({ status: 'cancelled', duplicate_of: merged.payload.duplicate_of });

    const { app } = await listen(runtime);
    try {
      const report = (await app.inject({ url: `/api/v1/runs/${run.id}/guardian` })).json();
      expect(report.verdicts[0]).toMatchObject({ verdict: 'drifting', action: 'steer', model: 'simulated/guardian' });
      expect(report.spend.reviews).toBe(report.verdicts.length);
      expect(report.spend.share_of_run_tokens).toBeGreaterThan(0);
      expect(report.spend.share_of_run_tokens).toBeLessThan(1);
      const task = (await app.inject({ url: `/api/v1/tasks/${merged.task_id}` })).json();
      expect(JSON.stringify(task)).toContain('merged into it');
      expect((await app.inject({ url: '/api/v1/runs/00000000-0000-4000-8000-000000000000/guardian' })).statusCode).toBe(404);
      expect((await app.inject({ url: `/api/v1/runs/${run.id}/guardian?task=nope` })).statusCode).toBe(400);
    } finally {
      await app.close();
    }
    await runtime.close();
    runtime = undefined;

    const cli = await runCli(['runs', 'guardian', run.id, '--json'], { ANVIL_DATA_DIR: dataDir });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout).verdicts[0]).toMatchObject({ verdict: 'drifting', action: 'steer' });
    const table = await runCli(['runs', 'guardian', run.id], { ANVIL_DATA_DIR: dataDir });
    expect(table.stdout).toMatch(/drifting\s+0\.35\s+steer/);
  }, 180_000);
});
