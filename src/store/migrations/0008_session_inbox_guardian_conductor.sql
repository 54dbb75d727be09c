-- The session inbox, the guardian's verdicts and the conductor's duplicate marks.

-- Messages for a task's running agent session, from the guardian or a person. A session takes the
-- undelivered ones before each step and marks them delivered in the statement that persists that
-- step, so a session resumed after a crash neither loses nor repeats one. `stop` asks the session
-- to end at its next step boundary and give the task back to the queue with `body` as the note.
CREATE TABLE session_messages (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id                uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task_id               uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  kind                  text NOT NULL CHECK (kind IN ('message', 'stop')),
  source                text NOT NULL CHECK (source IN ('guardian', 'human')),
  author                text,
  body                  text NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  delivered_at          timestamptz,
  delivered_session_id  uuid REFERENCES agent_sessions (id) ON DELETE SET NULL,
  delivered_step        integer
);
-- What a session reads before each step: its task's undelivered messages, oldest first. Partial,
-- so it stays as small as the backlog however many messages were ever sent.
CREATE INDEX session_messages_pending_idx ON session_messages (task_id, created_at) WHERE delivered_at IS NULL;
CREATE INDEX session_messages_run_idx ON session_messages (run_id, created_at, id);

-- A guardian stop ends the session with its own status.
ALTER TABLE agent_sessions DROP CONSTRAINT agent_sessions_status_check;
ALTER TABLE agent_sessions ADD CONSTRAINT agent_sessions_status_check
  CHECK (status IN ('running', 'completed', 'failed', 'interrupted', 'capped', 'stopped'));

-- One row per guardian review of a session: the verdict, what was done about it and what it cost.
CREATE TABLE guardian_verdicts (
  id             bigserial PRIMARY KEY,
  run_id         uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task_id        uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  session_id     uuid NOT NULL REFERENCES agent_sessions (id) ON DELETE CASCADE,
  -- Steps of the session the guardian had seen when it judged.
  steps_seen     integer NOT NULL,
  verdict        text NOT NULL CHECK (verdict IN ('on_track', 'drifting', 'stuck', 'violating')),
  score          real NOT NULL CHECK (score >= 0 AND score <= 1),
  reason         text NOT NULL,
  action         text NOT NULL CHECK (action IN ('none', 'steer', 'stop')),
  message_id     uuid REFERENCES session_messages (id) ON DELETE SET NULL,
  model          text NOT NULL,
  tokens_input   integer NOT NULL DEFAULT 0,
  tokens_output  integer NOT NULL DEFAULT 0,
  cost_usd       numeric,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX guardian_verdicts_run_idx ON guardian_verdicts (run_id, created_at, id);
CREATE INDEX guardian_verdicts_session_idx ON guardian_verdicts (session_id, id);

-- A near-duplicate the conductor found: the task it duplicates and why it was merged or cancelled.
ALTER TABLE tasks ADD COLUMN duplicate_of uuid REFERENCES tasks (id) ON DELETE SET NULL;
ALTER TABLE tasks ADD COLUMN duplicate_reason text;
