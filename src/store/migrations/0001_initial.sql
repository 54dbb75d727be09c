-- Anvil schema, version 1. PostgreSQL 15 dialect (also PGlite). See docs/architecture.md.

CREATE TABLE workflows (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  version     integer NOT NULL,
  definition  jsonb NOT NULL,
  checksum    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name, version)
);

CREATE TABLE runs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_id      uuid NOT NULL REFERENCES workflows (id),
  goal             text NOT NULL,
  params           jsonb NOT NULL DEFAULT '{}',
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'running', 'paused', 'succeeded', 'failed', 'cancelled')),
  status_reason    text,
  result           jsonb,
  simulated        boolean NOT NULL DEFAULT false,
  budget_usd       numeric,
  budget_tokens    bigint,
  cost_usd         numeric NOT NULL DEFAULT 0,
  tokens_input     bigint NOT NULL DEFAULT 0,
  tokens_output    bigint NOT NULL DEFAULT 0,
  -- Per-run event counter: taking it row-locks the run, so a run's events commit in seq order
  -- and a reader that follows seq never skips one that commits late.
  event_seq        bigint NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX runs_created_idx ON runs (created_at DESC, id);

-- One row per phase of a run: its concurrency limit and how many of its tasks are running.
CREATE TABLE run_phases (
  run_id           uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  phase            text NOT NULL,
  position         integer NOT NULL,
  max_concurrency  integer,
  running          integer NOT NULL DEFAULT 0 CHECK (running >= 0),
  PRIMARY KEY (run_id, phase)
);

CREATE TABLE tasks (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id          uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  phase           text NOT NULL,
  title           text NOT NULL,
  description     text NOT NULL DEFAULT '',
  status          text NOT NULL
                  CHECK (status IN ('queued', 'running', 'done', 'failed', 'blocked', 'waiting_human', 'cancelled')),
  priority        integer NOT NULL DEFAULT 0,
  parent_task_id  uuid REFERENCES tasks (id) ON DELETE SET NULL,
  depth           integer NOT NULL DEFAULT 0,
  depends_on      uuid[] NOT NULL DEFAULT '{}',
  dedupe_key      text NOT NULL,
  attempt         integer NOT NULL DEFAULT 0,
  max_attempts    integer NOT NULL DEFAULT 3,
  available_at    timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  worker_id       text,
  result          jsonb,
  error           text,
  created_by      text NOT NULL DEFAULT 'system',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  UNIQUE (run_id, phase, dedupe_key)
);
-- The claim query: highest priority first, then oldest, among queued tasks only. Partial, so it
-- stays as small as the queue however many finished tasks the table holds.
CREATE INDEX tasks_claim_idx ON tasks (priority DESC, available_at, id) WHERE status = 'queued';
-- The board query: one run's phase, by status and priority.
CREATE INDEX tasks_board_idx ON tasks (run_id, phase, status, priority DESC, created_at);
-- The lease sweep: running tasks whose lease has lapsed.
CREATE INDEX tasks_lease_idx ON tasks (lease_until) WHERE status = 'running';
-- Unblocking dependents when a task is done.
CREATE INDEX tasks_blocked_idx ON tasks (run_id) WHERE status = 'blocked';

CREATE TABLE agent_sessions (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id            uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  run_id             uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  attempt            integer NOT NULL,
  worker_id          text NOT NULL,
  model              text NOT NULL,
  simulated          boolean NOT NULL DEFAULT false,
  status             text NOT NULL DEFAULT 'running'
                     CHECK (status IN ('running', 'completed', 'failed', 'interrupted', 'capped')),
  resumed_from       uuid REFERENCES agent_sessions (id),
  steps              integer NOT NULL DEFAULT 0,
  tokens_input       bigint NOT NULL DEFAULT 0,
  tokens_output      bigint NOT NULL DEFAULT 0,
  cost_usd           numeric NOT NULL DEFAULT 0,
  error              text,
  started_at         timestamptz NOT NULL DEFAULT now(),
  finished_at        timestamptz,
  UNIQUE (task_id, attempt)
);

CREATE TABLE steps (
  id          bigserial PRIMARY KEY,
  session_id  uuid NOT NULL REFERENCES agent_sessions (id) ON DELETE CASCADE,
  index       integer NOT NULL,
  kind        text NOT NULL,
  payload     jsonb NOT NULL,
  usage       jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (session_id, index)
);

CREATE TABLE memories (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id      uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task_id     uuid REFERENCES tasks (id) ON DELETE SET NULL,
  kind        text NOT NULL CHECK (kind IN ('discovery', 'decision', 'error_fix', 'warning', 'learning')),
  text        text NOT NULL,
  tags        text[] NOT NULL DEFAULT '{}',
  search      tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX memories_search_idx ON memories USING gin (search);
CREATE INDEX memories_run_idx ON memories (run_id, created_at DESC);

CREATE TABLE llm_calls (
  id                  bigserial PRIMARY KEY,
  run_id              uuid REFERENCES runs (id) ON DELETE SET NULL,
  task_id             uuid,
  session_id          uuid,
  tenant              text NOT NULL DEFAULT 'local',
  provider            text NOT NULL,
  model               text NOT NULL,
  kind                text,
  tokens_input        integer NOT NULL DEFAULT 0,
  tokens_output       integer NOT NULL DEFAULT 0,
  tokens_cache_read   integer NOT NULL DEFAULT 0,
  tokens_cache_write  integer NOT NULL DEFAULT 0,
  cost_usd            numeric,
  saved_usd           numeric NOT NULL DEFAULT 0,
  cache_hit           boolean NOT NULL DEFAULT false,
  cache_ttl_seconds   integer,
  latency_ms          integer,
  error               text,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX llm_calls_run_idx ON llm_calls (run_id, created_at);
CREATE INDEX llm_calls_model_idx ON llm_calls (model, created_at);

CREATE TABLE events (
  run_id      uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq         bigint NOT NULL,
  type        text NOT NULL,
  task_id     uuid,
  payload     jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, seq)
);
