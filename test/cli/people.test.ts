import { describe, expect, it } from 'vitest';
import { askHuman } from '../../src/orchestrator/human/questions.js';
import { createTask } from '../../src/orchestrator/tasks.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { claimTask } from '../../src/store/queue/index.js';
import { startTestRun, threePhaseWorkflow } from '../helpers/fixtures.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';

describe('anvil questions, answer, approve and message', () => {
  it('answers an open question, approves a phase and a task, and posts a message, with exit 2 on a conflict', async () => {
    const dataDir = temporaryFolder();
    const env = { ANVIL_DATA_DIR: dataDir };
    // A run whose first task asked a question, with two tasks waiting at a gated phase.
    let db = await openPglite({ dataDir });
    await migrate(db);
    const workflow = threePhaseWorkflow({ phases: [{ key: 'analyze', name: 'Analyze' }, { key: 'implement', name: 'Implement', approval: 'required' }, { key: 'verify', name: 'Verify' }] });
    const run = await startTestRun(db, workflow);
    const asking = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
    await askHuman(db, { holder: { taskId: asking.id, attempt: 1, workerId: 'w1' }, runId: run.id, question: 'Which database?' });
    const { task: gated } = await createTask(db, { runId: run.id, phase: 'implement', title: 'one', createdBy: 'test' });
    await db.close();

    const open = await runCli(['questions', run.id], env);
    expect(open.code).toBe(0);
    expect(open.stdout).toContain('Which database?');
    expect(open.stdout).toContain(asking.id);

    const answered = await runCli(['answer', asking.id, 'PostgreSQL', '--as', 'ada', '--json'], env);
    expect(answered.code).toBe(0);
    expect(JSON.parse(answered.stdout)).toMatchObject({ task_id: asking.id, status: 'queued' });
    const again = await runCli(['answer', asking.id, 'MySQL'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('no open question');

    const approvedTask = await runCli(['approve', gated.id, '--as', 'grace'], env);
    expect(approvedTask.code).toBe(0);
    expect(approvedTask.stdout).toContain('approved by grace');
    const approvedPhase = await runCli(['approve', run.id, 'implement'], env);
    expect(approvedPhase.code).toBe(0);
    expect(approvedPhase.stdout).toMatch(/phase implement of run .* approved by cli:/);
    const notGated = await runCli(['approve', run.id, 'verify'], env);
    expect(notGated.code).toBe(2);
    expect(notGated.stderr).toContain('has no approval gate');

    const message = await runCli(['message', asking.id, 'Keep it small.'], env);
    expect(message.code).toBe(0);
    expect((await runCli(['message', asking.id, '   '], env)).code).toBe(2);

    db = await openPglite({ dataDir });
    try {
      const question = await db.query<{ answer: string; answered_by: string }>('SELECT answer, answered_by FROM human_questions WHERE task_id = $1', [asking.id]);
      expect(question.rows[0]).toEqual({ answer: 'PostgreSQL', answered_by: 'ada' });
      const gate = await db.query<{ approved_by: string }>("SELECT approved_by FROM run_phases WHERE run_id = $1 AND phase = 'implement'", [run.id]);
      expect(gate.rows[0]!.approved_by).toMatch(/^cli:/);
      const messages = await db.query<{ body: string; source: string }>('SELECT body, source FROM session_messages WHERE task_id = $1', [asking.id]);
      expect(messages.rows).toEqual([{ body: 'Keep it small.', source: 'human' }]);
    } finally {
      await db.close();
    }
  }, 180_000);
});
