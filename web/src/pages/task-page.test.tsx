import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { TaskDetail } from '../api/types.js';
import { taskFixture } from '../test-support/fixtures.js';
import { createFakeServer, eventStream } from '../test-support/fake-server.js';
import { renderApp } from '../test-support/render.js';

const detail: TaskDetail = {
  ...taskFixture({ id: 'task-1', title: 'Analyze the parser', status: 'failed', attempt: 1, error: 'agent ended without completing the task' }),
  sessions: [
    {
      id: 'session-1',
      attempt: 1,
      worker_id: 'worker-a',
      model: 'simulated/agent',
      simulated: true,
      status: 'failed',
      resumed_from: null,
      tokens: { input: 900, output: 120 },
      cost_usd: 0,
      error: null,
      started_at: '2026-01-01T10:00:00Z',
      finished_at: '2026-01-01T10:00:02Z',
      steps: [
        {
          index: 0,
          kind: 'tool_calls',
          payload: {
            text: 'I will split the work.',
            toolCalls: [{ toolName: 'create_task', toolCallId: 'call-1', input: { phase: 'implement', title: 'Tokenizer <b>fast</b>' } }],
            toolResults: [{ toolName: 'create_task', toolCallId: 'call-1', output: { created: true } }],
            finishReason: 'tool-calls',
          },
          usage: { inputTokens: 500, outputTokens: 80, costUsd: 0, cacheHit: true },
          created_at: '2026-01-01T10:00:01Z',
        },
        { index: 1, kind: 'text', payload: { text: 'Done.' }, usage: { inputTokens: 400, outputTokens: 40, costUsd: 0.0012 }, created_at: '2026-01-01T10:00:02Z' },
      ],
    },
  ],
};

function serverWithTask() {
  const server = createFakeServer();
  server.on('GET /api/v1/tasks/task-1', detail);
  server.on('GET /api/v1/runs/run-1/events/history', { last_seq: 3, events: [] });
  server.on('GET /api/v1/runs/run-1/events', () => eventStream().response);
  return server;
}

describe('task page', () => {
  it('shows the transcript step by step: text, tool calls with their input and result, tokens, cost and badges', async () => {
    renderApp('/tasks/task-1', serverWithTask());
    expect(await screen.findByRole('heading', { name: 'Analyze the parser' })).toBeTruthy();
    expect(screen.getByText('I will split the work.')).toBeTruthy();
    expect(screen.getByText('create_task')).toBeTruthy();
    // Model output is shown as text, never interpreted as HTML.
    expect(screen.getByText(/Tokenizer <b>fast<\/b>/)).toBeTruthy();
    expect(document.querySelector('b')).toBeNull();
    expect(screen.getAllByText('cache hit')).toHaveLength(1);
    expect(screen.getAllByText('simulated').length).toBeGreaterThanOrEqual(2);
    expect(screen.getByText('$0.0012')).toBeTruthy();
  });

  it('retries a failed task and changes its priority through the API', async () => {
    const server = serverWithTask();
    server.on('POST /api/v1/tasks/task-1/retry', { ...detail, status: 'queued' });
    server.on('PATCH /api/v1/tasks/task-1', { ...detail, priority: 7 });
    renderApp('/tasks/task-1', server);
    fireEvent.click(await screen.findByRole('button', { name: 'Retry' }));
    await vi.waitFor(() => expect((screen.getByRole('button', { name: 'Retry' }) as HTMLButtonElement).disabled).toBe(false), { timeout: 5_000 });
    fireEvent.change(screen.getByLabelText('Priority'), { target: { value: '7' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set priority' }));
    await vi.waitFor(() => expect(server.requests.find((request) => request.method === 'PATCH')?.body).toEqual({ priority: 7 }), { timeout: 5_000 });
    expect(server.requests.some((request) => request.method === 'POST' && request.url === '/api/v1/tasks/task-1/retry')).toBe(true);
  });
});
