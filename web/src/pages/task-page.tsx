import { useEffect, useState } from 'react';
import { useApi } from '../api/context.js';
import { openRunEventStream } from '../api/event-stream.js';
import type { TaskDetail } from '../api/types.js';
import { StatusBadge } from '../components/status-badge.js';
import { Empty, Loaded, errorMessage } from '../components/states.js';
import { formatTime } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { Link } from '../router.js';
import { TaskPeople } from './people-panels.js';
import { SessionView } from './transcript.js';

/** A task and its agent's transcript; read again whenever the run's events mention the task. */
export function TaskPage({ taskId }: { taskId: string }) {
  const { client } = useApi();
  const task = useResource((signal) => client.get<TaskDetail>(`/api/v1/tasks/${encodeURIComponent(taskId)}`, signal), [client, taskId]);
  const runId = task.data?.run_id;
  const reload = task.reload;

  useEffect(() => {
    if (!runId) return;
    let stream: { close(): void } | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let closed = false;
    client
      .get<{ last_seq: number }>(`/api/v1/runs/${runId}/events/history?limit=1`)
      .then((history) => {
        if (closed) return;
        stream = openRunEventStream({
          client,
          runId,
          afterSeq: history.last_seq,
          onEvents: (events) => {
            if (events.some((event) => event.task_id === taskId)) timer ??= setTimeout(() => ((timer = undefined), reload()), 250);
          },
        });
      })
      .catch(() => {});
    return () => {
      closed = true;
      stream?.close();
      clearTimeout(timer);
    };
  }, [client, runId, taskId, reload]);

  return (
    <div className="page task-page">
      <Loaded resource={task} what="task">
        {(detail) => (
          <>
            <p className="breadcrumb">
              <Link to="/">Runs</Link> / <Link to={`/runs/${detail.run_id}`}>run {detail.run_id.slice(0, 8)}</Link> / task {detail.id.slice(0, 8)}
            </p>
            <h1>{detail.title}</h1>
            <TaskFacts detail={detail} onChanged={reload} />
            <TaskPeople detail={detail} onChanged={reload} />
            {detail.description && <p className="task-description">{detail.description}</p>}
            {detail.error && (detail.status === 'failed' ? <p className="field-problem">Error: {detail.error}</p> : <p className="hint">Last error (an earlier attempt): {detail.error}</p>)}
            <h2>Transcript</h2>
            {detail.sessions.length === 0 ? <Empty>No agent has worked on this task yet.</Empty> : detail.sessions.map((session) => <SessionView key={session.id} session={session} />)}
          </>
        )}
      </Loaded>
    </div>
  );
}

function TaskFacts({ detail, onChanged }: { detail: TaskDetail; onChanged: () => void }) {
  const { client } = useApi();
  const [priority, setPriority] = useState(String(detail.priority));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setPriority(String(detail.priority)), [detail.priority]);

  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const canRetry = detail.status === 'failed' || detail.status === 'cancelled';
  const canCancel = ['queued', 'blocked', 'running', 'in_review', 'waiting_human'].includes(detail.status);
  return (
    <div className="task-facts">
      <StatusBadge status={detail.status} />
      <span>phase {detail.phase}</span>
      <span>
        attempt {detail.attempt} of {detail.max_attempts}
      </span>
      {detail.review_round ? <span>review round {detail.review_round}</span> : null}
      <span>created {formatTime(detail.created_at)} by {detail.created_by}</span>
      {detail.parent_task_id && <Link to={`/tasks/${detail.parent_task_id}`}>created by task {detail.parent_task_id.slice(0, 8)}</Link>}
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void act(() => client.request(`/api/v1/tasks/${detail.id}`, { method: 'PATCH', body: { priority: Number(priority) } }));
        }}
      >
        <label className="inline">
          Priority
          <input type="number" min={-100} max={100} step={1} value={priority} onChange={(event) => setPriority(event.target.value)} className="narrow" />
        </label>
        <button type="submit" disabled={busy || priority === String(detail.priority) || !Number.isInteger(Number(priority))}>
          Set priority
        </button>
      </form>
      {canRetry && (
        <button type="button" disabled={busy} onClick={() => void act(() => client.post(`/api/v1/tasks/${detail.id}/retry`))}>
          Retry
        </button>
      )}
      {canCancel && (
        <button type="button" className="danger" disabled={busy} onClick={() => void act(() => client.post(`/api/v1/tasks/${detail.id}/cancel`))}>
          Cancel task
        </button>
      )}
      {error !== undefined && (
        <p className="field-problem" role="alert">
          {errorMessage(error)}
        </p>
      )}
    </div>
  );
}
