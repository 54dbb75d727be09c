import { memo, useMemo } from 'react';
import type { Task } from '../api/types.js';
import { StatusBadge } from '../components/status-badge.js';
import { VirtualList } from '../components/virtual-list.js';
import { columnsOf, type TaskMap } from '../state/board.js';
import { Link } from '../router.js';

/** One column per phase; each column is windowed, so a thousand cards cost a screenful. */
const cardHeight = 68;

export function RunBoard({ tasks, phases, height = 420 }: { tasks: TaskMap; phases: string[]; height?: number }) {
  const columns = useMemo(() => columnsOf(tasks, phases), [tasks, phases]);
  let done = 0;
  for (const task of tasks.values()) if (task.status === 'done') done += 1;
  // The counts as attributes let browser tests and the benchmark wait on the board, not on time.
  return (
    <div className="board" data-board-ready={tasks.size > 0 ? 'true' : 'false'} data-task-count={tasks.size} data-done-count={done}>
      {columns.map((column) => (
        <section key={column.phase} className="board-column" aria-label={`Phase ${column.phase}`}>
          <h3>
            {column.phase} <span className="count">{column.tasks.length}</span>
          </h3>
          <ColumnSummary tasks={column.tasks} />
          {column.tasks.length === 0 ? (
            <p className="hint">No tasks yet.</p>
          ) : (
            <VirtualList items={column.tasks} rowHeight={cardHeight} height={Math.min(height, column.tasks.length * cardHeight + 2)} label={`Tasks in ${column.phase}`} itemKey={(task) => task.id} renderItem={(task) => <TaskCard task={task} />} />
          )}
        </section>
      ))}
    </div>
  );
}

function ColumnSummary({ tasks }: { tasks: Task[] }) {
  const counts = new Map<string, number>();
  for (const task of tasks) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
  return (
    <p className="column-summary">
      {[...counts].map(([status, count]) => (
        <span key={status}>
          {count} {status.replace('_', ' ')}
        </span>
      ))}
    </p>
  );
}

export const TaskCard = memo(function TaskCard({ task }: { task: Task }) {
  return (
    <article className={`task-card status-border-${task.status}`} data-task-id={task.id} data-status={task.status}>
      <Link to={`/tasks/${task.id}`} className="task-card-title">
        {task.title}
      </Link>
      <div className="task-card-meta">
        <StatusBadge status={task.status} />
        {task.priority !== 0 && <span title="priority">p{task.priority}</span>}
        {task.attempt > 1 && <span title="attempt">try {task.attempt}</span>}
      </div>
    </article>
  );
});
