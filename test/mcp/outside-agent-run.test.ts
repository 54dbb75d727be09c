import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { listen } from '../helpers/http.js';
import { connectAgent, inviteOverHttp, type OutsideAgentClient } from '../helpers/mcp.js';
import { createTestRuntime, simulatedModels, waitForRun } from '../helpers/runtime.js';

/**
 * An outside agent driven by the official MCP client, over a real socket, works a quick-start run
 * beside the built-in (simulated) agents: it takes the analysis, discovers work, keeps one piece
 * for itself, and the run ends when its completion and the built-in agents' are all in.
 */
describe.each(databaseVariants())('an outside agent in a run on $name', (variant) => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  let agent: OutsideAgentClient | undefined;
  // The runtime is made in the hook (its longer timeout): a fresh database takes a while on a busy machine.
  beforeEach(async () => {
    runtime = await createTestRuntime(variant, {}, simulatedModels({ failureRate: 0 }));
  });
  afterEach(async () => {
    await agent?.close();
    await app?.close();
    await runtime?.close();
    agent = app = runtime = undefined;
  });

  it('claims and completes tasks over MCP while built-in agents work the rest of the run', async () => {
    if (!runtime) throw new Error('no runtime');
    await registerWorkflow(runtime.db, parse(await readFile('examples/quickstart.yaml', 'utf8')));
    const run = await startRun(runtime.db, { workflow: 'quickstart', goal: 'add a streaming mode', simulated: true });
    const served = await listen(runtime);
    app = served.app;
    const invited = await inviteOverHttp(served.baseUrl, run.id, { name: 'claude' });
    expect(invited.token).toMatch(/^anvil_agent_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    agent = await connectAgent(served.baseUrl, invited.token);

    const tools = (await agent.client.listTools()).tools.map((tool) => tool.name).sort();
    expect(tools).toEqual(['ask_human', 'claim_task', 'complete_task', 'create_task', 'fail_task', 'get_run_status', 'get_task', 'heartbeat', 'save_memory', 'search_memory', 'submit_result']);

    // The only task so far is the analysis: the agent gets it with the briefing a built-in agent's prompt carries.
    const analysis = await agent.call('claim_task');
    expect(analysis).toMatchObject({ claimed: true, attempt: 1, goal: 'add a streaming mode', phase: { key: 'analyze', done_definition: 'Every piece of work the goal needs has a task.' } });
    const analysisTask = analysis.task as { id: string; title: string; held_by_you: boolean };
    expect(analysisTask).toMatchObject({ title: 'Analyze the parser for the goal', held_by_you: true });
    const claimedRow = await runtime.db.query<{ worker_id: string; status: string }>('SELECT worker_id, status FROM tasks WHERE id = $1', [analysisTask.id]);
    expect(claimedRow.rows[0]).toEqual({ worker_id: invited.worker_id, status: 'running' });

    const held = { task_id: analysisTask.id, attempt: 1 };
    const mine = await agent.call('create_task', { ...held, phase: 'implement', title: 'Stream tokens from the parser', description: 'Emit each token as it is parsed.' });
    const theirs = await agent.call('create_task', { ...held, phase: 'implement', title: 'Document the streaming mode' });
    expect(mine).toMatchObject({ status: 'queued', duplicate: false });
    expect(await agent.call('create_task', { ...held, phase: 'implement', title: 'stream tokens from the parser!' })).toMatchObject({ task_id: mine.task_id, duplicate: true });
    await agent.call('save_memory', { ...held, kind: 'decision', text: 'Streaming uses an async iterator over parser tokens.', tags: ['streaming'] });
    expect(((await agent.call('search_memory', { query: 'iterator tokens' })).memories as unknown[]).length).toBe(1);
    expect(await agent.call('complete_task', { ...held, summary: 'Split the goal into two pieces of work.' })).toMatchObject({ task: { status: 'done' } });

    // It keeps the first piece for itself, then the built-in agents start on everything else.
    const piece = await agent.call('claim_task', { phase: 'implement' });
    const pieceTask = piece.task as { id: string; title: string };
    expect(pieceTask.title).toBe('Stream tokens from the parser');
    expect(piece.memories).toEqual([expect.objectContaining({ kind: 'decision', text: 'Streaming uses an async iterator over parser tokens.' })]);
    const worker = runtime.startWorker({ concurrency: 2, workerId: 'built-in' });
    const builtInDone = async () => (await runtime!.db.query('SELECT 1 FROM tasks WHERE id = $1 AND status = $2', [theirs.task_id, 'done'])).rows.length > 0;
    const deadline = Date.now() + 30_000;
    while (!(await builtInDone())) {
      if (Date.now() > deadline) throw new Error('the built-in agents did not finish their piece');
      // Any tool call renews the agent's lease while it works.
      expect((await agent.call('heartbeat')).held).toEqual([expect.objectContaining({ task_id: pieceTask.id, attempt: 1 })]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const status = (await agent.call('get_run_status')).run as { status: string; id: string };
    expect(status).toMatchObject({ id: run.id, status: 'running' });
    await agent.call('complete_task', { task_id: pieceTask.id, attempt: 1, summary: 'Tokens stream from the parser.', result: { files: ['parser.ts'] } });

    expect(await waitForRun(runtime, run.id)).toBe('succeeded');
    const done = await runtime.db.query<{ worker_id: string | null; created_by: string; title: string }>(
      "SELECT (SELECT e.payload->>'worker_id' FROM events e WHERE e.task_id = t.id AND e.type = 'task.completed') AS worker_id, t.created_by, t.title FROM tasks t WHERE t.run_id = $1 AND t.status = 'done'",
      [run.id],
    );
    const byAgent = done.rows.filter((row) => row.worker_id === invited.worker_id).map((row) => row.title).sort();
    expect(byAgent).toEqual(['Analyze the parser for the goal', 'Stream tokens from the parser']);
    expect(done.rows.filter((row) => row.worker_id === worker.id).length).toBeGreaterThan(0);
    expect(done.rows.filter((row) => row.created_by === invited.worker_id).length).toBe(2);
    const result = await runtime.db.query<{ result: { summary: string } }>("SELECT result FROM tasks WHERE id = $1", [pieceTask.id]);
    expect(result.rows[0]!.result).toEqual({ summary: 'Tokens stream from the parser.', result: { files: ['parser.ts'] } });
  });
});
