import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerQuestion } from '../../src/orchestrator/human/questions.js';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { startTestRun, threePhaseWorkflow } from '../helpers/fixtures.js';
import { listen } from '../helpers/http.js';
import { connectAgent, inviteOverHttp, ToolCallError, type OutsideAgentClient } from '../helpers/mcp.js';
import { createTestRuntime, simulatedModels } from '../helpers/runtime.js';

/**
 * An outside agent goes through the same human and review steps as a built-in one: ask_human
 * hands the task to a person and gives the claim back; a reviewed phase's reviewer (the simulated
 * one asks for more work in round 1 and accepts in round 2) judges its completion; a reviewed
 * result comes back once with feedback. Each time the next claim carries what happened.
 */
describe.each(databaseVariants())('an outside agent with people and reviewers on $name', (variant) => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let agent: OutsideAgentClient;
  let runId: string;
  let workerId: string;
  beforeEach(async () => {
    runtime = await createTestRuntime(variant, {}, simulatedModels({ failureRate: 0 }));
    const workflow = threePhaseWorkflow({
      name: 'reviewed',
      phases: [
        {
          key: 'analyze',
          name: 'Analyze',
          done_definition: 'The analysis names every piece of work.',
          review: { max_rounds: 2 },
          tools: ['create_task', 'complete_task', 'fail_task', 'save_memory', 'search_memory', 'submit_result', 'ask_human'],
        },
        { key: 'verify', name: 'Verify', tools: ['complete_task', 'fail_task'] },
      ],
      result: { description: 'What was analysed.', review: { max_rounds: 3 } },
    } as never);
    runId = (await startTestRun(runtime.db, workflow, 'review over MCP')).id;
    let baseUrl: string;
    ({ app, baseUrl } = await listen(runtime));
    const invited = await inviteOverHttp(baseUrl, runId, { name: 'reviewed agent' });
    workerId = invited.worker_id;
    agent = await connectAgent(baseUrl, invited.token);
  });
  afterEach(async () => {
    await agent.close();
    await app.close();
    await runtime.close();
  });

  it('asks a person, gets the answer in its next claim, and passes review on the second round', async () => {
    const first = await agent.call('claim_task');
    const taskId = (first.task as { id: string }).id;
    expect(first.phase).toMatchObject({ key: 'analyze', reviewed: true });

    expect(await agent.call('ask_human', { task_id: taskId, attempt: 1, question: 'Which parser do you mean?' })).toMatchObject({ status: 'waiting_for_answer' });
    expect(await agent.call('get_task', { task_id: taskId })).toMatchObject({ task: { status: 'waiting_human', held_by_you: false } });
    expect(await agent.call('claim_task')).toMatchObject({ claimed: false });
    // The claim was given back: completing it now is refused.
    const stale = await agent.call('complete_task', { task_id: taskId, attempt: 1, summary: 'too early' }).then(() => undefined, (error: unknown) => error);
    expect((stale as ToolCallError).code).toBe('LEASE_LOST');
    await answerQuestion(runtime.db, { taskId, answer: 'The JSON parser.', author: 'alice' });

    const again = await agent.call('claim_task');
    expect(again).toMatchObject({ claimed: true, task: { id: taskId }, answers: [{ question: 'Which parser do you mean?', answer: 'The JSON parser.', answered_by: 'alice' }] });
    const attempt = again.attempt as number;

    const firstRound = await agent.call('complete_task', { task_id: taskId, attempt, summary: 'Looked at the JSON parser.' });
    expect(firstRound).toMatchObject({ review: { verdict: 'needs_work' }, task: { status: 'queued' } });
    const feedback = (firstRound.review as { feedback: string }).feedback;
    expect(feedback.length).toBeGreaterThan(0);

    const reworked = await agent.call('claim_task');
    expect(reworked).toMatchObject({ claimed: true, task: { id: taskId }, review_feedback: { round: 1, feedback } });
    const secondRound = await agent.call('complete_task', { task_id: taskId, attempt: reworked.attempt, summary: 'Listed every piece of work in the JSON parser.' });
    expect(secondRound).toMatchObject({ review: { verdict: 'accepted', feedback: null }, task: { status: 'done' } });
    const completed = await runtime.db.query<{ worker_id: string }>("SELECT payload->>'worker_id' AS worker_id FROM events WHERE task_id = $1 AND type LIKE 'task.%' ORDER BY seq DESC LIMIT 1", [taskId]);
    expect(completed.rows[0]!.worker_id).toBe(workerId);
  });

  it('submits a result that a reviewer sends back once, and refuses tools its phase does not offer', async () => {
    const claimed = await agent.call('claim_task');
    const held = { task_id: (claimed.task as { id: string }).id, attempt: claimed.attempt };
    const verify = await agent.call('create_task', { ...held, phase: 'verify', title: 'Check the analysis' });

    const rejected = await agent.call('submit_result', { ...held, summary: 'The parser needs streaming.' });
    expect(rejected).toMatchObject({ accepted: false, round: 1 });
    expect(await agent.call('submit_result', { ...held, summary: 'The parser needs streaming, in two pieces.' })).toMatchObject({ accepted: true, round: 2 });
    const run = await runtime.db.query<{ result: { summary: string } }>('SELECT result FROM runs WHERE id = $1', [runId]);
    expect(run.rows[0]!.result).toMatchObject({ summary: 'The parser needs streaming, in two pieces.', task_id: held.task_id });

    // The verify phase offers only complete_task and fail_task.
    const other = await agent.call('claim_task', { phase: 'verify' });
    expect(other).toMatchObject({ claimed: true, task: { id: verify.task_id } });
    const refused = await agent.call('save_memory', { task_id: verify.task_id, attempt: other.attempt, kind: 'warning', text: 'not here' }).then(() => undefined, (error: unknown) => error);
    expect((refused as ToolCallError).code).toBe('TOOL_NOT_ALLOWED');
  });
});
