import { describe, expect, it } from 'vitest';
import type { Task } from '../api/types.js';
import { eventFixture, taskFixture } from '../test-support/fixtures.js';
import { applyEvents, columnsOf, type TaskMap } from './board.js';

const mapOf = (...tasks: Task[]) => new Map(tasks.map((task) => [task.id, task]));

describe('task board', () => {
  it('adds created tasks and moves them through claimed, completed and failed', () => {
    let tasks = applyEvents(new Map(), [eventFixture(1, 'task.created', 'a', { phase: 'analyze', title: 'Read', status: 'queued', priority: 2, parent_task_id: null, depth: 0 })], 'run-1');
    expect(tasks.get('a')).toMatchObject({ phase: 'analyze', title: 'Read', status: 'queued', priority: 2 });
    tasks = applyEvents(tasks, [eventFixture(2, 'task.claimed', 'a', { attempt: 1 })], 'run-1');
    expect(tasks.get('a')).toMatchObject({ status: 'running', attempt: 1 });
    tasks = applyEvents(tasks, [eventFixture(3, 'task.completed', 'a', { unblocked: [] })], 'run-1');
    expect(tasks.get('a')!.status).toBe('done');
  });

  it('queues the tasks a completion unblocks, and retries and reprioritises', () => {
    const blocked = taskFixture({ id: 'b', status: 'blocked' });
    const failed = taskFixture({ id: 'c', status: 'failed' });
    const tasks = applyEvents(
      mapOf(taskFixture({ id: 'a', status: 'running' }), blocked, failed),
      [eventFixture(1, 'task.completed', 'a', { unblocked: ['b'] }), eventFixture(2, 'task.retried', 'c'), eventFixture(3, 'task.reprioritized', 'c', { priority: 9 })],
      'run-1',
    );
    expect([tasks.get('a')!.status, tasks.get('b')!.status, tasks.get('c')!.status, tasks.get('c')!.priority]).toEqual(['done', 'queued', 'queued', 9]);
  });

  it('queues a task the run\'s second look unblocked', () => {
    const tasks = applyEvents(mapOf(taskFixture({ id: 'b', status: 'blocked' })), [eventFixture(1, 'task.unblocked', 'b', { phase: 'verify' })], 'run-1');
    expect(tasks.get('b')!.status).toBe('queued');
  });

  it('follows a task through review, a question to a person and an approval', () => {
    let tasks: TaskMap = mapOf(taskFixture({ id: 'a', status: 'running' }), taskFixture({ id: 'b', status: 'running' }), taskFixture({ id: 'c', status: 'queued' }));
    tasks = applyEvents(tasks, [eventFixture(1, 'task.review_requested', 'a', { round: 1 }), eventFixture(2, 'task.waiting_human', 'b', { question: 'Which?' })], 'run-1');
    expect(tasks.get('a')).toMatchObject({ status: 'in_review', review_round: 1 });
    expect(tasks.get('b')!.status).toBe('waiting_human');
    tasks = applyEvents(tasks, [eventFixture(3, 'task.needs_work', 'a', { round: 1 }), eventFixture(4, 'task.question_answered', 'b'), eventFixture(5, 'task.approved', 'c', { approved_by: 'ada' })], 'run-1');
    expect([tasks.get('a')!.status, tasks.get('b')!.status]).toEqual(['queued', 'queued']);
    expect(tasks.get('c')).toMatchObject({ status: 'queued', approved_by: 'ada' });
    // A task in review or waiting for a person is cancelled with its run.
    tasks = applyEvents(tasks, [eventFixture(6, 'task.review_requested', 'a', { round: 2 }), eventFixture(7, 'task.waiting_human', 'b'), eventFixture(8, 'run.cancelled', null)], 'run-1');
    expect([tasks.get('a')!.status, tasks.get('b')!.status]).toEqual(['cancelled', 'cancelled']);
  });

  it('cancels every unfinished task when the run is cancelled', () => {
    const tasks = applyEvents(mapOf(taskFixture({ id: 'a', status: 'running' }), taskFixture({ id: 'b', status: 'done' }), taskFixture({ id: 'c', status: 'blocked' })), [eventFixture(1, 'run.cancelled', null)], 'run-1');
    expect([...tasks.values()].map((task) => task.status)).toEqual(['cancelled', 'done', 'cancelled']);
  });

  it('returns the same map when no event concerns a task', () => {
    const tasks = mapOf(taskFixture({ id: 'a' }));
    expect(applyEvents(tasks, [eventFixture(1, 'step.completed', 'a', { index: 0 }), eventFixture(2, 'memory.saved', null)], 'run-1')).toBe(tasks);
  });

  it('converges on the same state when events already in the snapshot are replayed', () => {
    const snapshot = mapOf(taskFixture({ id: 'a', status: 'done' }));
    const events = [eventFixture(1, 'task.created', 'a', { status: 'queued', phase: 'analyze', title: 'x' }), eventFixture(2, 'task.claimed', 'a', { attempt: 1 }), eventFixture(3, 'task.completed', 'a', {})];
    expect(applyEvents(snapshot, events, 'run-1').get('a')!.status).toBe('done');
  });

  it('puts each phase in its own column, running work first, then by priority', () => {
    const columns = columnsOf(
      mapOf(taskFixture({ id: 'a', phase: 'implement', status: 'done' }), taskFixture({ id: 'b', phase: 'implement', status: 'queued', priority: 1 }), taskFixture({ id: 'c', phase: 'implement', status: 'running' }), taskFixture({ id: 'd', phase: 'implement', status: 'queued', priority: 5 })),
      ['analyze', 'implement', 'verify'],
    );
    expect(columns.map((column) => [column.phase, column.tasks.map((task) => task.id).join('')])).toEqual([
      ['analyze', ''],
      ['implement', 'cdba'],
      ['verify', ''],
    ]);
  });
});
