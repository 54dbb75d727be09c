import { useState } from 'react';
import { useApi } from '../api/context.js';
import type { Run, RunStatus, Workflow } from '../api/types.js';
import { Meter } from '../components/meter.js';
import { Badge, StatusBadge } from '../components/status-badge.js';
import { Empty, Loaded } from '../components/states.js';
import { formatTime, formatUsd } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { Link } from '../router.js';
import { LaunchForm } from './launch-form.js';

const statuses: (RunStatus | '')[] = ['', 'running', 'pending', 'paused', 'succeeded', 'failed', 'cancelled'];

export function RunsPage() {
  const { client } = useApi();
  const [status, setStatus] = useState<RunStatus | ''>('');
  const [extra, setExtra] = useState<{ runs: Run[]; next: string | null } | undefined>();
  const runs = useResource(
    (signal) => {
      setExtra(undefined);
      return client.get<{ runs: Run[]; next_cursor: string | null }>(`/api/v1/runs?limit=25${status ? `&status=${status}` : ''}`, signal);
    },
    [client, status],
  );
  const workflows = useResource((signal) => client.get<{ workflows: Workflow[] }>('/api/v1/workflows', signal), [client]);

  const loadMore = async (cursor: string) => {
    const page = await client.get<{ runs: Run[]; next_cursor: string | null }>(`/api/v1/runs?limit=25&cursor=${encodeURIComponent(cursor)}${status ? `&status=${status}` : ''}`);
    setExtra((previous) => ({ runs: [...(previous?.runs ?? []), ...page.runs], next: page.next_cursor }));
  };

  return (
    <div className="page runs-page">
      <div className="page-header">
        <h1>Runs</h1>
        <label className="inline">
          Status
          <select value={status} onChange={(event) => setStatus(event.target.value as RunStatus | '')}>
            {statuses.map((value) => (
              <option key={value} value={value}>
                {value || 'all'}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={runs.reload}>
          Refresh
        </button>
      </div>
      <div className="two-columns">
        <section aria-label="Runs list">
          <Loaded resource={runs} what="runs">
            {(page) => {
              const all = [...page.runs, ...(extra?.runs ?? [])];
              const next = extra ? extra.next : page.next_cursor;
              if (all.length === 0) return <Empty>No runs{status ? ` with status ${status}` : ''} yet. Launch one with the form.</Empty>;
              return (
                <>
                  <RunsTable runs={all} />
                  {next && (
                    <button type="button" onClick={() => void loadMore(next)}>
                      Load more
                    </button>
                  )}
                </>
              );
            }}
          </Loaded>
        </section>
        <aside>
          <Loaded resource={workflows} what="workflows">
            {({ workflows: list }) => (list.length === 0 ? <Empty>No workflows registered. Upload one under Workflows.</Empty> : <LaunchForm workflows={list} />)}
          </Loaded>
        </aside>
      </div>
    </div>
  );
}

function RunsTable({ runs }: { runs: Run[] }) {
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th scope="col">Goal</th>
          <th scope="col">Workflow</th>
          <th scope="col">Status</th>
          <th scope="col">Progress</th>
          <th scope="col">Cost</th>
          <th scope="col">Started</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const done = (run.tasks.done ?? 0) + (run.tasks.failed ?? 0) + (run.tasks.cancelled ?? 0);
          return (
            <tr key={run.id}>
              <td>
                <Link to={`/runs/${run.id}`}>{run.goal.length > 80 ? `${run.goal.slice(0, 80)}…` : run.goal}</Link>
                {run.simulated && (
                  <>
                    {' '}
                    <Badge tone="simulated" title="This run's default model is the simulated one">simulated</Badge>
                  </>
                )}
              </td>
              <td>{run.workflow.name ?? run.workflow.id}</td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td className="progress-cell">
                <Meter label="Tasks finished" value={done} max={run.tasks.total || null} display={`${done}/${run.tasks.total}`} />
              </td>
              <td>{formatUsd(run.cost_usd)}</td>
              <td>{formatTime(run.started_at ?? run.created_at)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
