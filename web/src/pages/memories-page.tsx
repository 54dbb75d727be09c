import { useState, type FormEvent } from 'react';
import { useApi } from '../api/context.js';
import type { Memory } from '../api/types.js';
import { Empty, Loaded } from '../components/states.js';
import { formatTime } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { Link } from '../router.js';

const kinds = ['', 'discovery', 'decision', 'error_fix', 'warning', 'learning'];

/** What agents saved for each other; full-text search within one run. */
export function MemoriesPage() {
  const { client } = useApi();
  const [draft, setDraft] = useState({ runId: '', kind: '', query: '' });
  const [filters, setFilters] = useState(draft);
  const memories = useResource(
    (signal) => {
      const query = new URLSearchParams({ limit: '100' });
      if (filters.runId) query.set('run_id', filters.runId);
      if (filters.kind) query.set('kind', filters.kind);
      if (filters.query) query.set('q', filters.query);
      return client.get<{ memories: Memory[]; search: string | null }>(`/api/v1/memories?${query}`, signal);
    },
    [client, filters],
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters({ runId: draft.runId.trim(), kind: draft.kind, query: draft.query.trim() });
  };
  const needsRun = Boolean(draft.query.trim()) && !draft.runId.trim();
  return (
    <div className="page memories-page">
      <h1>Memories</h1>
      <form className="filters" onSubmit={submit}>
        <label>
          Run id
          <input value={draft.runId} onChange={(event) => setDraft({ ...draft, runId: event.target.value })} placeholder="any run" />
        </label>
        <label>
          Kind
          <select value={draft.kind} onChange={(event) => setDraft({ ...draft, kind: event.target.value })}>
            {kinds.map((kind) => (
              <option key={kind} value={kind}>
                {kind || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search
          <input type="search" value={draft.query} onChange={(event) => setDraft({ ...draft, query: event.target.value })} aria-describedby="search-hint" />
        </label>
        <button type="submit" disabled={needsRun}>
          Show
        </button>
        <span id="search-hint" className={needsRun ? 'field-problem' : 'hint'}>
          Search needs a run id.
        </span>
      </form>
      <Loaded resource={memories} what="memories">
        {({ memories: list }) =>
          list.length === 0 ? (
            <Empty>No memories match. Agents save them as they work.</Empty>
          ) : (
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Text</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Run</th>
                  <th scope="col">Saved</th>
                </tr>
              </thead>
              <tbody>
                {list.map((memory) => (
                  <tr key={memory.id}>
                    <td>{memory.kind}</td>
                    <td className="wrap">{memory.text}</td>
                    <td>{memory.tags.join(', ')}</td>
                    <td>
                      <Link to={`/runs/${memory.run_id}`}>{memory.run_id.slice(0, 8)}</Link>
                    </td>
                    <td>{formatTime(memory.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </div>
  );
}
