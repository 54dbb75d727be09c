import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import type { StepRow } from '../../src/store/sessions.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { apiClient, listen } from '../helpers/http.js';
import { connectAgent, inviteOverHttp, type OutsideAgentClient } from '../helpers/mcp.js';
import { createTestRuntime, simulatedModels } from '../helpers/runtime.js';

/**
 * The whole team in one run, over real HTTP, on the simulated model (test/fixtures/team-run.yaml):
 * built-in agents discover work over three phases; the guardian steers the drifting first agent
 * back; the conductor merges the near-duplicate it proposes; every implement task is sent back by
 * its reviewer once and then accepted; the verify phase waits, queued and unclaimed, until a person
 * approves it over the API; and an outside agent, driven by the official MCP client with a token
 * the API issued, claims a task, discovers one more, and completes it.
 */

interface EventRow {
  seq: number;
  type: string;
  task_id: string | null;
  payload: Record<string, unknown>;
}

interface TaskView {
  id: string;
  phase: string;
  title: string;
  status: string;
  review_round: number;
}

const finalStatuses = ['done', 'cancelled', 'failed'];

describe('a team run: guardian, conductor, review, approval gate and an outside agent together', () => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  let agent: OutsideAgentClient | undefined;
  afterEach(async () => {
    await agent?.close();
    await app?.close();
    await runtime?.close();
    agent = app = runtime = undefined;
  });

  it('runs to success with every part of the team at work and on the record', async () => {
    runtime = await createTestRuntime({ name: 'pglite', open: openMigratedPglite }, {}, simulatedModels({ failureRate: 0 }));
    const db = runtime.db;
    const server = await listen(runtime);
    app = server.app;
    const api = apiClient(server.baseUrl);
    const until = async <T>(what: string, read: () => Promise<T | undefined>): Promise<T> => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const value = await read();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const allTasks = async () => (await api<{ tasks: TaskView[] }>(`/runs/${run.id}/tasks?limit=200`)).body.tasks;
    const runEvents = async () => (await db.query<EventRow>('SELECT seq, type, task_id, payload FROM events WHERE run_id = $1 ORDER BY seq', [run.id])).rows;

    const workflow = parse(await readFile('test/fixtures/team-run.yaml', 'utf8')) as unknown;
    expect((await api('/workflows', { method: 'POST', body: workflow })).status).toBe(201);
    const started = await api<{ id: string }>('/runs', { method: 'POST', body: { workflow: 'team-run', goal: '[drift] [twins] tidy the parser' } });
    expect(started.status).toBe(201);
    const run = started.body;

    // A person plans one piece of analysis for the outside agent; it is the most urgent, so the
    // outside agent, joining before the built-in workers start, claims it over MCP.
    const planned = await api<TaskView>(`/runs/${run.id}/tasks`, { method: 'POST', body: { phase: 'analyze', title: 'Survey the callers of the parser', priority: 50 } });
    expect(planned.status).toBe(201);
    // More starting points for the built-in agents, so discovery fans out across the run.
    for (const title of ['Analyze the scheduler', 'Analyze the storage layer', 'Analyze the error handling']) {
      expect((await api(`/runs/${run.id}/tasks`, { method: 'POST', body: { phase: 'analyze', title } })).status).toBe(201);
    }
    const invited = await inviteOverHttp(server.baseUrl, run.id, { name: 'outside' });
    agent = await connectAgent(server.baseUrl, invited.token);
    const claim = await agent.call('claim_task', { phase: 'analyze' });
    expect(claim).toMatchObject({ claimed: true, attempt: 1, task: { id: planned.body.id, held_by_you: true } });
    const held = { task_id: planned.body.id, attempt: 1 };
    const discovered = await agent.call('create_task', { ...held, phase: 'implement', title: 'Stream tokens from the parser' });
    expect(discovered).toMatchObject({ status: 'queued', duplicate: false });

    // One built-in session at a time: the task the twin is merged into is still queued when the twin is proposed.
    const worker = runtime.startWorker({ concurrency: 1, workerId: 'built-in' });
    expect(await agent.call('complete_task', { ...held, summary: 'The parser has two callers; streaming needs one more task.' })).toMatchObject({ task: { status: 'done' } });

    // The gate: once everything before verify is final, the verify tasks stay queued and unclaimed,
    // for the built-in workers and the outside agent alike, and the run waits with them.
    const beforeGate = await until('the phases before the gate to settle', async () => {
      const { body: current } = await api<{ status: string }>(`/runs/${run.id}`);
      if (current.status !== 'running') throw new Error(`the run is ${current.status} before the gate opened`);
      const tasks = await allTasks();
      const verify = tasks.filter((task) => task.phase === 'verify');
      const earlier = tasks.filter((task) => task.phase !== 'verify');
      return verify.length > 0 && earlier.every((task) => finalStatuses.includes(task.status)) ? { verify, earlier } : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await agent.call('claim_task', { phase: 'verify' })).toMatchObject({ claimed: false, run_status: 'running' });
    const gated = await api<{ status: string; phases: { key: string; approval: { approved_at: string | null } | null; counts: Record<string, number> }[] }>(`/runs/${run.id}`);
    expect(gated.body.status).toBe('running');
    const verifyPhase = gated.body.phases.find((phase) => phase.key === 'verify')!;
    expect(verifyPhase.approval).toMatchObject({ approved_at: null });
    // Waiting at the gate: queued, or blocked behind a sibling that is itself queued; none held by anyone.
    const atGate = (await allTasks()).filter((task) => task.phase === 'verify');
    expect(atGate.length).toBe(beforeGate.verify.length);
    expect(atGate.filter((task) => !['queued', 'blocked'].includes(task.status))).toEqual([]);
    expect(atGate.filter((task) => task.status === 'queued').length).toBeGreaterThan(0);
    expect(verifyPhase.counts.queued).toBe(atGate.filter((task) => task.status === 'queued').length);
    const verifyIds = new Set(atGate.map((task) => task.id));
    const claimedBeforeApproval = (await runEvents()).filter((event) => event.type === 'task.claimed' && verifyIds.has(event.task_id!));
    expect(claimedBeforeApproval).toEqual([]);

    const approved = await api<{ approved_at: string | null }>(`/runs/${run.id}/phases/verify/approve`, { method: 'POST' });
    expect(approved.status).toBe(200);
    expect(approved.body.approved_at).not.toBeNull();

    const finished = await until('the run to finish', async () => {
      const { body } = await api<{ status: string }>(`/runs/${run.id}`);
      return ['succeeded', 'failed', 'cancelled', 'paused'].includes(body.status) ? body.status : undefined;
    });
    expect(finished).toBe('succeeded');

    const tasks = await allTasks();
    const events = await runEvents();
    // Every task is final, and none failed.
    expect(tasks.filter((task) => !['done', 'cancelled'].includes(task.status))).toEqual([]);

    // Discovery: the built-in agents created at least ten tasks at run time (the simulated agent
    // proposes work in the phases after its own), and the run spans all three phases.
    const rows = await db.query<{ id: string; phase: string; created_by: string; status: string; duplicate_of: string | null }>('SELECT id, phase, created_by, status, duplicate_of FROM tasks WHERE run_id = $1', [run.id]);
    const byAgents = rows.rows.filter((row) => row.created_by.startsWith('agent:'));
    expect(byAgents.length).toBeGreaterThanOrEqual(10);
    expect(new Set(rows.rows.map((row) => row.phase))).toEqual(new Set(['analyze', 'implement', 'verify']));
    expect(new Set(byAgents.map((row) => row.phase))).toEqual(new Set(['implement', 'verify']));

    // The guardian: a drifting verdict with a steering message, delivered to the next step, which works on the task again.
    const drifting = events.find((event) => event.type === 'guardian.verdict' && event.payload.verdict === 'drifting');
    expect(drifting?.payload).toMatchObject({ action: 'steer', message_id: expect.any(String) });
    const steering = events.find((event) => event.type === 'session.message_posted' && event.payload.message_id === drifting!.payload.message_id);
    expect(steering?.payload).toMatchObject({ source: 'guardian', body: expect.stringContaining('drifted') });
    const steps = await db.query<StepRow>('SELECT s.* FROM steps s JOIN agent_sessions a ON a.id = s.session_id WHERE a.task_id = $1 ORDER BY a.attempt, s.index', [drifting!.task_id]);
    const steered = steps.rows.findIndex((step) => (step.payload.delivered ?? []).includes(String(drifting!.payload.message_id)));
    expect(steered).toBeGreaterThan(0);
    expect(steps.rows[steered - 1]!.payload.text).toContain('Wandering off');
    expect(steps.rows.slice(steered).every((step) => !String(step.payload.text ?? '').includes('Wandering off'))).toBe(true);
    // Steered, not stopped: the drifting task finished on its first attempt.
    expect(tasks.find((task) => task.id === drifting!.task_id)?.status).toBe('done');
    expect(events.filter((event) => event.type === 'guardian.verdict' && event.payload.action === 'stop')).toEqual([]);

    // The conductor: the reworded follow-up is merged into its twin, with the reason on the record.
    const merged = events.filter((event) => event.type === 'task.duplicate_merged');
    expect(merged).toHaveLength(1);
    expect(merged[0]!.payload).toMatchObject({ title: expect.stringMatching(/ fully$/), reason: expect.stringMatching(/^near-duplicate of task .+; merged into it$/) });
    const twin = rows.rows.find((row) => row.id === merged[0]!.task_id)!;
    expect(twin).toMatchObject({ status: 'cancelled', duplicate_of: merged[0]!.payload.duplicate_of });
    expect(rows.rows.find((row) => row.id === twin.duplicate_of)?.status).toBe('done');

    // Review: every implement task that was done went round twice, rejected once and then accepted.
    const implemented = tasks.filter((task) => task.phase === 'implement' && task.status === 'done');
    expect(implemented.length).toBeGreaterThanOrEqual(2);
    for (const task of implemented) {
      const reviews = await api<{ reviews: { round: number; verdict: string }[] }>(`/tasks/${task.id}/reviews`);
      expect(reviews.body.reviews.map((review) => [review.round, review.verdict])).toEqual([[1, 'needs_work'], [2, 'accepted']]);
    }
    expect(events.filter((event) => event.type === 'task.needs_work').length).toBe(implemented.length);

    // The gate: every verify task was claimed only after the approval.
    const approval = events.find((event) => event.type === 'phase.approved');
    expect(approval?.payload).toMatchObject({ phase: 'verify' });
    const verifyClaims = events.filter((event) => event.type === 'task.claimed' && tasks.some((task) => task.id === event.task_id && task.phase === 'verify'));
    expect(verifyClaims.length).toBeGreaterThanOrEqual(verifyIds.size);
    expect(verifyClaims.every((event) => event.seq > approval!.seq)).toBe(true);

    // The outside agent: its claim and completion are on the record under its worker id, and so is the task it discovered.
    const outsideCompleted = events.filter((event) => event.type === 'task.completed' && event.payload.worker_id === invited.worker_id);
    expect(outsideCompleted.map((event) => event.task_id)).toEqual([planned.body.id]);
    expect(events.some((event) => event.type === 'task.claimed' && event.task_id === planned.body.id && event.payload.worker_id === invited.worker_id)).toBe(true);
    expect(rows.rows.find((row) => row.id === discovered.task_id)).toMatchObject({ created_by: invited.worker_id, status: 'done' });
    expect(events.filter((event) => event.type === 'task.completed' && event.payload.worker_id === worker.id).length).toBeGreaterThanOrEqual(10);
  }, 120_000);
});
