import { useState, type FormEvent } from 'react';
import { useApi } from '../api/context.js';
import { Empty, Loaded, errorMessage } from '../components/states.js';
import { formatTime, formatUsd } from '../format.js';
import { useResource } from '../hooks/use-resource.js';

/**
 * The server's API keys (GET/POST/DELETE /api/v1/keys, admin scope): scopes, rate limits and
 * daily budgets. A new key's secret is shown once, as the API returns it once.
 */
export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  rate_limit_per_minute: number | null;
  daily_budget_usd: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const scopes = ['admin', 'runs:write', 'runs:read', 'llm:invoke', 'metrics:read'];

export function ApiKeys({ refreshKey }: { refreshKey: string }) {
  const { client } = useApi();
  const keys = useResource((signal) => client.get<{ keys: KeyView[] }>('/api/v1/keys', signal), [client, refreshKey]);
  const [error, setError] = useState<unknown>();
  const revoke = async (key: KeyView) => {
    if (!window.confirm(`Revoke the key "${key.name}"? Callers using it are refused at once.`)) return;
    setError(undefined);
    try {
      await client.request(`/api/v1/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
      keys.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <Loaded resource={keys} what="API key management">
      {({ keys: list }) => (
        <>
          {error !== undefined && (
            <p className="field-problem" role="alert">
              {errorMessage(error)}
            </p>
          )}
          {list.length === 0 ? (
            <Empty>No API keys yet: without one the server answers loopback callers only.</Empty>
          ) : (
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Rate limit</th>
                  <th scope="col">Daily budget</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {list.map((key) => (
                  <tr key={key.id}>
                    <td>{key.name}</td>
                    <td>
                      <code>{key.prefix}</code>
                    </td>
                    <td>{key.scopes.join(', ')}</td>
                    <td>{key.rate_limit_per_minute === null ? 'default' : `${key.rate_limit_per_minute}/min`}</td>
                    <td>{key.daily_budget_usd === null ? 'none' : formatUsd(key.daily_budget_usd)}</td>
                    <td>{formatTime(key.last_used_at)}</td>
                    <td>
                      {key.revoked_at ? (
                        `revoked ${formatTime(key.revoked_at)}`
                      ) : (
                        <button type="button" className="danger" onClick={() => void revoke(key)} aria-label={`Revoke ${key.name}`}>
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <CreateKeyForm onCreated={keys.reload} />
        </>
      )}
    </Loaded>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: () => void }) {
  const { client } = useApi();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>(['runs:read']);
  const [budget, setBudget] = useState('');
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setCreated(undefined);
    try {
      const body: Record<string, unknown> = { name: name.trim(), scopes: chosen };
      if (budget.trim()) body.daily_budget_usd = Number(budget);
      const result = await client.post<KeyView & { key: string }>('/api/v1/keys', body);
      setCreated(result.key);
      setName('');
      onCreated();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="new-key-title">
      <h3 id="new-key-title">New key</h3>
      <label>
        Name
        <input value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} />
      </label>
      <fieldset className="scopes">
        <legend>Scopes</legend>
        {scopes.map((scope) => (
          <label key={scope} className="checkbox">
            <input type="checkbox" checked={chosen.includes(scope)} onChange={(event) => setChosen(event.target.checked ? [...chosen, scope] : chosen.filter((value) => value !== scope))} /> {scope}
          </label>
        ))}
      </fieldset>
      <label>
        Daily budget in dollars (optional)
        <input type="number" min={0} step="any" value={budget} onChange={(event) => setBudget(event.target.value)} className="narrow" />
      </label>
      <button type="submit" className="primary" disabled={!name.trim() || chosen.length === 0}>
        Create key
      </button>
      {created && (
        <p className="success" role="status">
          Key created. Copy it now, it is not shown again: <code className="secret">{created}</code>
        </p>
      )}
      {error !== undefined && (
        <p className="field-problem" role="alert">
          {errorMessage(error)}
        </p>
      )}
    </form>
  );
}
