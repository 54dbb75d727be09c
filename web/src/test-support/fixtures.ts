import type { Run, RunEvent, Task } from '../api/types.js';

/** Small builders for the API's shapes. */
let sequence = 0;
export const nextId = () => `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`;

export function runFixture(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    workflow: { id: 'wf-1', name: 'quickstart', version: 1 },
    goal: 'Make the parser faster',
    params: {},
    status: 'running',
    status_reason: null,
    simulated: true,
    result: null,
    phases: [
      { key: 'analyze', position: 0, max_concurrency: 2, total: 0, counts: {} },
      { key: 'implement', position: 1, max_concurrency: 4, total: 0, counts: {} },
      { key: 'verify', position: 2, max_concurrency: null, total: 0, counts: {} },
    ],
    tasks: { total: 0 },
    tokens: { input: 1200, output: 300 },
    cost_usd: 0.42,
    budget: { usd: 5, tokens: null },
    created_at: '2026-01-01T10:00:00.000Z',
    started_at: '2026-01-01T10:00:00.000Z',
    finished_at: null,
    ...overrides,
  };
}

export function taskFixture(overrides: Partial<Task> = {}): Task {
  const id = overrides.id ?? nextId();
  return {
    id,
    run_id: 'run-1',
    phase: 'analyze',
    title: `Task ${id.slice(-4)}`,
    description: '',
    status: 'queued',
    priority: 0,
    parent_task_id: null,
    depth: 0,
    depends_on: [],
    attempt: 0,
    max_attempts: 3,
    error: null,
    result: null,
    created_by: 'agent',
    created_at: '2026-01-01T10:00:01.000Z',
    started_at: null,
    finished_at: null,
    ...overrides,
  };
}

export function eventFixture(seq: number, type: string, taskId: string | null, payload: Record<string, unknown> = {}): RunEvent {
  return { seq, type, task_id: taskId, payload, created_at: new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString() };
}
