-- API keys: the secret is stored only as its SHA-256 (hash); the prefix is public and finds the
-- row. Revocation keeps the row (revoked_at) so listings and the ledger keep naming the key.
CREATE TABLE api_keys (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                   text NOT NULL,
  prefix                 text NOT NULL UNIQUE,
  hash                   text NOT NULL,
  scopes                 text[] NOT NULL,
  rate_limit_per_minute  integer CHECK (rate_limit_per_minute > 0),
  daily_budget_usd       numeric CHECK (daily_budget_usd >= 0),
  created_at             timestamptz NOT NULL DEFAULT now(),
  last_used_at           timestamptz,
  revoked_at             timestamptz
);
-- "Do any keys exist?" is asked on every request without keys (cached); this keeps it an index probe.
CREATE INDEX api_keys_active_idx ON api_keys (created_at) WHERE revoked_at IS NULL;
