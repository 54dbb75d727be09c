import { useState, type FormEvent } from 'react';
import { useApi } from '../api/context.js';
import { ApiKeys } from './api-keys.js';

/**
 * This browser's API key, and the server's keys with their scopes, rate limits and daily budgets
 * (the per-key budgets the gateway enforces; a run's budget comes from its workflow).
 */
export function SettingsPage() {
  const { apiKey, setApiKey } = useApi();
  const [draft, setDraft] = useState(apiKey);
  const [saved, setSaved] = useState(false);
  const save = (event: FormEvent) => {
    event.preventDefault();
    setApiKey(draft.trim());
    setSaved(true);
  };
  return (
    <div className="page settings-page">
      <h1>Settings</h1>
      <form className="card" onSubmit={save} aria-labelledby="key-title">
        <h2 id="key-title">Your API key</h2>
        <p className="hint">Sent with every request from this browser (header x-api-key). Stored in this browser only.</p>
        <label>
          API key
          <input type="password" autoComplete="off" value={draft} onChange={(event) => (setDraft(event.target.value), setSaved(false))} />
        </label>
        <button type="submit" className="primary">
          Save
        </button>
        {saved && (
          <span className="success" role="status">
            {draft.trim() ? ' Saved.' : ' Cleared.'}
          </span>
        )}
      </form>
      <section aria-labelledby="keys-title">
        <h2 id="keys-title">API keys and budgets</h2>
        <ApiKeys refreshKey={apiKey} />
      </section>
    </div>
  );
}
