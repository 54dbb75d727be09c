import type { Task } from '../api/types.js';
import type { TaskMap } from './board.js';

/**
 * The discovery tree: which task created which (parent_task_id), flattened into rows in
 * depth-first order so a long tree can be windowed like any list. Collapsed branches are left
 * out; a task whose parent is unknown (not loaded, or made by hand) is a root.
 */
export interface TreeRow {
  task: Task;
  level: number;
  childCount: number;
}

export function flattenTree(tasks: TaskMap, collapsed: ReadonlySet<string> = new Set()): TreeRow[] {
  const children = new Map<string | null, Task[]>();
  for (const task of tasks.values()) {
    const parent = task.parent_task_id && tasks.has(task.parent_task_id) ? task.parent_task_id : null;
    const list = children.get(parent);
    if (list) list.push(task);
    else children.set(parent, [task]);
  }
  for (const list of children.values()) list.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));

  const rows: TreeRow[] = [];
  // An explicit stack: a deep tree must not overflow the call stack.
  const stack: { task: Task; level: number }[] = [...(children.get(null) ?? [])].reverse().map((task) => ({ task, level: 0 }));
  const seen = new Set<string>();
  while (stack.length > 0) {
    const { task, level } = stack.pop()!;
    if (seen.has(task.id)) continue;
    seen.add(task.id);
    const own = children.get(task.id) ?? [];
    rows.push({ task, level, childCount: own.length });
    if (collapsed.has(task.id)) continue;
    for (let index = own.length - 1; index >= 0; index -= 1) stack.push({ task: own[index]!, level: level + 1 });
  }
  return rows;
}
