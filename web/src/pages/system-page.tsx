import { useApi } from '../api/context.js';
import { ApiError } from '../api/client.js';
import type { Readiness, SystemStatus } from '../api/types.js';
import { Badge } from '../components/status-badge.js';
import { Loaded } from '../components/states.js';
import { formatTime } from '../format.js';
import { useResource } from '../hooks/use-resource.js';

/** What an operator checks first: can it serve, is the cache on Redis or its fallback, how deep is the queue. */
export function SystemPage() {
  const { client } = useApi();
  const status = useResource((signal) => client.get<SystemStatus>('/api/v1/system/status', signal), [client]);
  const readiness = useResource(async (signal) => {
    try {
      return await client.get<Readiness>('/readyz', signal);
    } catch (error) {
      // 503 still carries the checks: show them.
      if (error instanceof ApiError && error.status === 503) return { status: 'unavailable', database: 'unreachable' } as Readiness;
      throw error;
    }
  }, [client]);
  return (
    <div className="page system-page">
      <div className="page-header">
        <h1>System</h1>
        <button
          type="button"
          onClick={() => {
            status.reload();
            readiness.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <div className="tiles">
        <Loaded resource={readiness} what="health">
          {(ready) => (
            <section className="card tile" aria-label="Health">
              <h2>Health</h2>
              <p className={`big status-${ready.status}`}>{ready.status}</p>
              <p>database: {ready.database ?? '—'}</p>
              <p>
                cache: {ready.cache ?? '—'}
                {ready.cache === 'degraded' && ' (serving from the in-memory fallback while Redis is down)'}
              </p>
            </section>
          )}
        </Loaded>
        <Loaded resource={status} what="system status">
          {(system) => (
            <>
              <section className="card tile" aria-label="Queue">
                <h2>Queue</h2>
                <dl className="facts">
                  {Object.entries(system.queue).map(([name, count]) => (
                    <div key={name}>
                      <dt>{name.replace('_', ' ')}</dt>
                      <dd>{count}</dd>
                    </div>
                  ))}
                </dl>
              </section>
              <section className="card tile" aria-label="Cache and model">
                <h2>Cache and model</h2>
                <p>
                  cache state: <strong>{system.cache}</strong>
                </p>
                <p>database: {system.database.kind}</p>
                <p>
                  default model: <code>{system.model.default}</code> {system.model.simulated && <Badge tone="simulated">simulated</Badge>}
                </p>
              </section>
              <section className="card tile" aria-label="Workers">
                <h2>Workers (last 10 minutes)</h2>
                {system.workers.length === 0 ? (
                  <p className="hint">No worker has claimed a task recently.</p>
                ) : (
                  <ul>
                    {system.workers.map((worker) => (
                      <li key={worker.id}>
                        <code>{worker.id}</code>: {worker.running_sessions} running, last claim {formatTime(worker.last_claim)}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            </>
          )}
        </Loaded>
      </div>
    </div>
  );
}
