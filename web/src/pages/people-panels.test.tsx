import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Question, Run, Task, TaskDetail } from '../api/types.js';
import { eventFixture, runFixture, taskFixture } from '../test-support/fixtures.js';
import { createFakeServer, eventStream, json } from '../test-support/fake-server.js';
import { renderApp } from '../test-support/render.js';

const question: Question = {
  id: 'q-1',
  run_id: 'run-1',
  task_id: 'task-w',
  task_title: 'Pick the storage engine',
  phase: 'analyze',
  question: 'Which database should we use?',
  answer: null,
  answered_by: null,
  asked_at: '2026-01-01T10:00:05.000Z',
  answered_at: null,
};

function runServer({ run, tasks, questions }: { run: Run; tasks: Task[]; questions: Question[] }) {
  const server = createFakeServer();
  server.on('GET /api/v1/runs/run-1', run);
  server.on('GET /api/v1/runs/run-1/events/history', { last_seq: 5, events: [eventFixture(5, 'run.started', null, {})] });
  server.on('GET /api/v1/runs/run-1/board', { last_seq: 5, tasks, next_cursor: null });
  server.on('GET /api/v1/runs/run-1/events', () => eventStream().response);
  server.on('GET /api/v1/runs/run-1/questions', { questions });
  return server;
}

const gatedRun = runFixture({
  phases: [
    { key: 'analyze', position: 0, max_concurrency: null, approval: null, total: 1, counts: { waiting_human: 1 } },
    { key: 'implement', position: 1, max_concurrency: null, approval: { approved_at: null, approved_by: null }, total: 2, counts: { queued: 2 } },
    { key: 'verify', position: 2, max_concurrency: null, approval: { approved_at: '2026-01-01T10:00:00.000Z', approved_by: 'ada' }, total: 0, counts: {} },
  ],
});

describe('people in the loop on the run page', () => {
  it('shows a waiting question with an answer box and sends the answer to the API', async () => {
    const server = runServer({ run: gatedRun, tasks: [taskFixture({ id: 'task-w', status: 'waiting_human', title: 'Pick the storage engine' })], questions: [question] });
    server.on('POST /api/v1/tasks/task-w/answer', { task: { status: 'queued' }, question: { ...question, answer: 'PostgreSQL' } });
    renderApp('/runs/run-1', server);
    const panel = await screen.findByRole('region', { name: 'Questions waiting (1)' });
    expect(within(panel).getByText('Which database should we use?')).toBeTruthy();
    const send = within(panel).getByRole('button', { name: 'Send answer' }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    fireEvent.change(within(panel).getByLabelText('Answer'), { target: { value: '  PostgreSQL ' } });
    fireEvent.click(send);
    await vi.waitFor(() => expect(server.requests.find((request) => request.method === 'POST')?.body).toEqual({ answer: 'PostgreSQL' }), { timeout: 5_000 });
    expect(server.requests.find((request) => request.method === 'POST')!.url).toBe('/api/v1/tasks/task-w/answer');
  });

  it('offers to approve only the gated phases not yet approved, and approves one through the API', async () => {
    const server = runServer({ run: gatedRun, tasks: [], questions: [] });
    server.on('POST /api/v1/runs/run-1/phases/implement/approve', { run_id: 'run-1', phase: 'implement', approved_at: '2026-01-01T10:01:00.000Z', approved_by: 'key' });
    renderApp('/runs/run-1', server);
    const gates = await screen.findByRole('region', { name: 'Waiting for approval' });
    expect(within(gates).getByText(/2 queued/)).toBeTruthy();
    expect(within(gates).queryByRole('button', { name: 'Approve phase verify' })).toBeNull();
    expect(within(gates).queryByRole('button', { name: 'Approve phase analyze' })).toBeNull();
    fireEvent.click(within(gates).getByRole('button', { name: 'Approve phase implement' }));
    await vi.waitFor(() => expect(server.requests.some((request) => request.method === 'POST' && request.url === '/api/v1/runs/run-1/phases/implement/approve')).toBe(true), { timeout: 5_000 });
  });

  it('shows no people panels when nothing waits for a person', async () => {
    renderApp('/runs/run-1', runServer({ run: runFixture(), tasks: [taskFixture({ status: 'running' })], questions: [] }));
    await screen.findByRole('region', { name: 'Phase analyze' });
    expect(screen.queryByRole('region', { name: 'Waiting for approval' })).toBeNull();
    expect(screen.queryByRole('region', { name: /Questions waiting/ })).toBeNull();
  });
});

function taskServer(detail: TaskDetail) {
  const server = createFakeServer();
  server.on(`GET /api/v1/tasks/${detail.id}`, detail);
  server.on('GET /api/v1/runs/run-1/events/history', { last_seq: 3, events: [] });
  server.on('GET /api/v1/runs/run-1/events', () => eventStream().response);
  return server;
}

describe('people in the loop on the task page', () => {
  it('approves a task waiting at a gate', async () => {
    const detail: TaskDetail = { ...taskFixture({ id: 'task-g', phase: 'implement', status: 'queued', title: 'Ship it' }), sessions: [], questions: [], approval: { phase_approved_at: null, phase_approved_by: null } };
    const server = taskServer(detail);
    server.on('POST /api/v1/tasks/task-g/approve', { ...detail, approved_at: '2026-01-01T10:01:00.000Z', approved_by: 'key' });
    renderApp('/tasks/task-g', server);
    fireEvent.click(await screen.findByRole('button', { name: 'Approve task' }));
    await vi.waitFor(() => expect(server.requests.some((request) => request.method === 'POST' && request.url === '/api/v1/tasks/task-g/approve')).toBe(true), { timeout: 5_000 });
  });

  it("sends a message to a running task's agent, and shows the server's refusal in words", async () => {
    const detail: TaskDetail = { ...taskFixture({ id: 'task-r', status: 'running', title: 'Write the tokenizer' }), sessions: [], questions: [], approval: null };
    const server = taskServer(detail);
    let refuse = false;
    server.on('POST /api/v1/tasks/task-r/messages', () =>
      refuse ? json({ error: { code: 'TASK_STATE_CONFLICT', message: 'task task-r is done; messages reach only tasks that can still be worked on' } }, 409) : json({ id: 'm-1', task_id: 'task-r' }, 201),
    );
    renderApp('/tasks/task-r', server);
    expect(screen.queryByRole('button', { name: 'Approve task' })).toBeNull();
    fireEvent.change(await screen.findByLabelText('Message to the agent'), { target: { value: 'Prefer the smaller change.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send message' }));
    expect(await screen.findByText(/the agent reads it before its next step/)).toBeTruthy();
    expect(server.requests.find((request) => request.method === 'POST')!.body).toEqual({ body: 'Prefer the smaller change.' });
    refuse = true;
    fireEvent.change(screen.getByLabelText('Message to the agent'), { target: { value: 'One more thing.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send message' }));
    expect((await screen.findByRole('alert')).textContent).toContain('messages reach only tasks that can still be worked on');
  });

  it('shows the question an agent asked with an answer box, and past answers', async () => {
    const detail: TaskDetail = {
      ...taskFixture({ id: 'task-w', status: 'waiting_human', title: 'Pick the storage engine' }),
      sessions: [],
      approval: null,
      questions: [{ ...question, id: 'q-0', question: 'Which cloud?', answer: 'none', answered_by: 'ada', answered_at: '2026-01-01T10:00:04.000Z' }, { ...question, task_title: undefined }],
    };
    renderApp('/tasks/task-w', taskServer(detail));
    const panel = await screen.findByRole('region', { name: 'Question from the agent' });
    expect(within(panel).getByText('Which database should we use?')).toBeTruthy();
    expect(within(panel).getByLabelText('Answer')).toBeTruthy();
    expect(screen.getByText(/ada answered/)).toBeTruthy();
  });
});
