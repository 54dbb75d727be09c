import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Task } from '../api/types.js';
import { eventFixture, runFixture, taskFixture } from '../test-support/fixtures.js';
import { createFakeServer, eventStream } from '../test-support/fake-server.js';
import { renderApp } from '../test-support/render.js';

function serverWithRun(tasks: Task[], lastSeq = 10, pageSize = Infinity) {
  const server = createFakeServer();
  const stream = eventStream();
  server.on('GET /api/v1/runs/run-1', runFixture({ tasks: { total: tasks.length } }));
  server.on('GET /api/v1/runs/run-1/events/history', { last_seq: lastSeq, events: [eventFixture(lastSeq, 'run.started', null, {})] });
  server.on('GET /api/v1/runs/run-1/board', ({ url }) => {
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const limit = Math.min(pageSize, Number(url.searchParams.get('limit')));
    const page = tasks.slice(start, start + limit);
    // The seq moves on between pages: only the first page's counts.
    return new Response(JSON.stringify({ last_seq: lastSeq + start, tasks: page, next_cursor: start + limit < tasks.length ? String(start + limit) : null }));
  });
  server.on('GET /api/v1/runs/run-1/events', () => stream.response);
  return { server, stream };
}

describe('run page', () => {
  it('shows one column per phase and moves a card when its events arrive, without reloading', async () => {
    const analyze = taskFixture({ id: 'task-a', title: 'Analyze the parser', status: 'running', phase: 'analyze' });
    const { server, stream } = serverWithRun([analyze]);
    renderApp('/runs/run-1', server);

    const column = await screen.findByRole('region', { name: 'Phase analyze' });
    expect(screen.getByRole('region', { name: 'Phase implement' })).toBeTruthy();
    expect(within(column).getByText('Analyze the parser')).toBeTruthy();
    await screen.findByText('live');

    await act(async () => {
      stream.send(eventFixture(11, 'task.created', 'task-b', { phase: 'implement', title: 'Speed up tokens', status: 'queued', priority: 0, parent_task_id: 'task-a', depth: 1 }));
      stream.send(eventFixture(12, 'task.completed', 'task-a', { unblocked: [] }));
    });
    const implement = screen.getByRole('region', { name: 'Phase implement' });
    await vi.waitFor(() => expect(within(implement).getByText('Speed up tokens')).toBeTruthy(), { timeout: 5_000 });
    expect(column.querySelector('[data-task-id="task-a"]')!.getAttribute('data-status')).toBe('done');
    // The stream started after the board's seq, and the board was read once, nothing polled.
    const streamRequest = server.requests.find((request) => request.url.endsWith('/events'))!;
    expect(streamRequest.headers['last-event-id']).toBe('10');
    expect(server.requests.filter((request) => request.url.includes('/board')).length).toBe(1);
    expect(server.requests.filter((request) => request.url.includes('/tasks')).length).toBe(0);
    // The discovery tree nests the new task under the one that created it.
    const tree = screen.getByRole('list', { name: 'Discovery tree' });
    expect(within(tree).getByRole('button', { name: 'Collapse Analyze the parser' })).toBeTruthy();
  });

  it('reads every page of a 1,000-task board, streams from the first page’s seq, and keeps only a window of cards in the page', async () => {
    const tasks = Array.from({ length: 1_000 }, (_, index) => taskFixture({ id: `t-${index}`, phase: ['analyze', 'implement', 'verify'][index % 3]!, title: `Task number ${index}` }));
    const { server } = serverWithRun(tasks, 50, 400);
    renderApp('/runs/run-1', server);
    await screen.findByRole('region', { name: 'Phase verify' });
    const board = document.querySelector('[data-board-ready]')!;
    expect(board.getAttribute('data-task-count')).toBe('1000');
    expect(board.querySelectorAll('.task-card').length).toBeLessThan(100);
    expect(server.requests.filter((request) => request.url.includes('/board')).length).toBe(3);
    await vi.waitFor(() => expect(server.requests.find((request) => request.url.endsWith('/events'))?.headers['last-event-id']).toBe('50'), { timeout: 5_000 });
  });

  it('cancels the run after confirmation', async () => {
    const { server } = serverWithRun([taskFixture({ id: 'x' })]);
    server.on('POST /api/v1/runs/run-1/cancel', runFixture({ status: 'cancelled' }));
    vi.stubGlobal('confirm', () => true);
    renderApp('/runs/run-1', server);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel run' }));
    await vi.waitFor(() => expect(server.requests.some((request) => request.method === 'POST' && request.url === '/api/v1/runs/run-1/cancel')).toBe(true), { timeout: 5_000 });
  });

  it('says what went wrong when the run cannot be read', async () => {
    const server = createFakeServer();
    const missing = () => new Response(JSON.stringify({ error: { code: 'RUN_NOT_FOUND', message: 'run missing not found' } }), { status: 404 });
    for (const path of ['', '/board', '/events/history']) server.on(`GET /api/v1/runs/missing${path}`, missing);
    renderApp('/runs/missing', server);
    expect((await screen.findByRole('alert')).textContent).toContain('run missing not found');
  });
});
