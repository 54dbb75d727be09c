import { useMemo, useRef, useState } from 'react';
import { StatusBadge } from '../components/status-badge.js';
import { VirtualList } from '../components/virtual-list.js';
import type { TaskMap } from '../state/board.js';
import { flattenTree, type TreeRow } from '../state/discovery-tree.js';
import { Link } from '../router.js';

/** Which task created which, as an indented, collapsible, windowed list. */
export function DiscoveryTreeView({ tasks, height = 360 }: { tasks: TaskMap; height?: number }) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  // The tree's shape changes only when tasks are added (a task's parent never changes), so a
  // status change re-renders the visible rows without walking the tree again.
  const latest = useRef(tasks);
  latest.current = tasks;
  const rows = useMemo(() => flattenTree(latest.current, collapsed), [tasks.size, collapsed]);
  const toggle = (id: string) =>
    setCollapsed((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  if (rows.length === 0) return <p className="hint">No tasks yet.</p>;
  return (
    <VirtualList
      items={rows}
      rowHeight={30}
      height={Math.min(height, rows.length * 30 + 2)}
      label="Discovery tree"
      itemKey={(row) => row.task.id}
      renderItem={(row) => <TreeRowView row={row} task={tasks.get(row.task.id) ?? row.task} collapsed={collapsed.has(row.task.id)} onToggle={toggle} />}
    />
  );
}

function TreeRowView({ row, task, collapsed, onToggle }: { row: TreeRow; task: TreeRow['task']; collapsed: boolean; onToggle: (id: string) => void }) {
  return (
    <div className="tree-row" style={{ paddingLeft: `${row.level * 1.1}rem` }}>
      {row.childCount > 0 ? (
        <button type="button" className="tree-toggle" aria-expanded={!collapsed} aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${task.title}`} onClick={() => onToggle(task.id)}>
          {collapsed ? '▸' : '▾'}
        </button>
      ) : (
        <span className="tree-toggle" aria-hidden="true">
          ·
        </span>
      )}
      <span className="tree-phase">{task.phase}</span>
      <Link to={`/tasks/${task.id}`}>{task.title}</Link>
      <StatusBadge status={task.status} />
      {row.childCount > 0 && <span className="hint">created {row.childCount}</span>}
    </div>
  );
}
