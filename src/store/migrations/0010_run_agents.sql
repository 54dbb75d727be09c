-- Outside agents invited to one run over MCP (/mcp). Like api_keys, the token's secret is stored
-- only as its SHA-256 (hash) and the public prefix finds the row. An agent belongs to exactly one
-- run; its token expires (expires_at) unless issued without expiry, and revocation keeps the row
-- so events that name the agent's worker id keep pointing somewhere.
CREATE TABLE run_agents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id        uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name          text NOT NULL,
  prefix        text NOT NULL UNIQUE,
  hash          text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
-- A run's agents, newest first (the listing).
CREATE INDEX run_agents_run_idx ON run_agents (run_id, created_at DESC);
