import { describe, expect, it } from 'vitest';
import { taskFixture } from '../test-support/fixtures.js';
import { flattenTree } from './discovery-tree.js';

describe('discovery tree', () => {
  const tasks = new Map(
    [
      taskFixture({ id: 'root', created_at: '2026-01-01T00:00:00Z' }),
      taskFixture({ id: 'child-2', parent_task_id: 'root', created_at: '2026-01-01T00:00:02Z' }),
      taskFixture({ id: 'child-1', parent_task_id: 'root', created_at: '2026-01-01T00:00:01Z' }),
      taskFixture({ id: 'grandchild', parent_task_id: 'child-1', created_at: '2026-01-01T00:00:03Z' }),
      taskFixture({ id: 'orphan', parent_task_id: 'not-loaded', created_at: '2026-01-01T00:00:04Z' }),
    ].map((task) => [task.id, task]),
  );

  it('lists tasks depth first under the task that created them, oldest first', () => {
    expect(flattenTree(tasks).map((row) => `${'-'.repeat(row.level)}${row.task.id}`)).toEqual(['root', '-child-1', '--grandchild', '-child-2', 'orphan']);
  });

  it('hides the descendants of a collapsed task but keeps its child count', () => {
    const rows = flattenTree(tasks, new Set(['root']));
    expect(rows.map((row) => [row.task.id, row.childCount])).toEqual([
      ['root', 2],
      ['orphan', 0],
    ]);
  });

  it('walks a very deep chain without overflowing the stack', () => {
    const chain = new Map<string, ReturnType<typeof taskFixture>>();
    for (let index = 0; index < 20_000; index += 1) chain.set(`t${index}`, taskFixture({ id: `t${index}`, parent_task_id: index === 0 ? null : `t${index - 1}` }));
    expect(flattenTree(chain).at(-1)!.level).toBe(19_999);
  });
});
