-- The tenant a run's model calls are billed to: the id of the API key that started it (as in
-- llm_calls.tenant), `bootstrap` for the configured admin key, `local` when no key was used
-- (the CLI, or a loopback client while no key exists). Agent calls use it for the cache
-- namespace and the key's daily budget, so a key's budget covers the runs it starts.
ALTER TABLE runs ADD COLUMN tenant text NOT NULL DEFAULT 'local';
