import type { RunEvent } from '../api/types.js';
import { VirtualList } from '../components/virtual-list.js';
import { Link } from '../router.js';

/** The run's recent events, newest first. */
function describe(event: RunEvent): string {
  const payload = event.payload;
  const title = typeof payload.title === 'string' ? payload.title : '';
  if (event.type === 'step.completed') return `step ${String(payload.index)}${Array.isArray(payload.tool_calls) && payload.tool_calls.length ? `: ${payload.tool_calls.join(', ')}` : ''}`;
  if (event.type.startsWith('run.')) return typeof payload.reason === 'string' ? payload.reason : '';
  if (event.type === 'memory.saved') return `${String(payload.kind ?? 'memory')} saved`;
  if (event.type === 'memory.searched') return `searched “${String(payload.query ?? '')}”: ${String(payload.found ?? 0)} found`;
  return title;
}

export function EventsFeed({ events, height = 360 }: { events: RunEvent[]; height?: number }) {
  if (events.length === 0) return <p className="hint">No events yet.</p>;
  const newestFirst = [...events].reverse();
  return (
    <VirtualList
      items={newestFirst}
      rowHeight={28}
      height={Math.min(height, newestFirst.length * 28 + 2)}
      label="Events"
      itemKey={(event) => String(event.seq)}
      renderItem={(event) => (
        <div className="event-row">
          <span className="event-seq">#{event.seq}</span>
          <span className="event-time">{new Date(event.created_at).toLocaleTimeString()}</span>
          <span className="event-type">{event.type}</span>
          {event.task_id ? <Link to={`/tasks/${event.task_id}`}>{describe(event) || 'task'}</Link> : <span>{describe(event)}</span>}
        </div>
      )}
    />
  );
}
