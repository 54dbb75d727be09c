-- Review loops, results, and people in the loop (docs/workflows.md, docs/architecture.md).

-- in_review: an agent finished a task of a phase that requires review; a reviewer decides whether
-- it is done or goes back to the queue with feedback. The worker that ran the agent holds the
-- lease through the review, so a review interrupted by a dead worker is picked up again.
ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check
  CHECK (status IN ('queued', 'running', 'in_review', 'done', 'failed', 'blocked', 'waiting_human', 'cancelled'));
-- Reviews the task has been through (a round is one reviewer verdict), and a person's approval
-- of this one task when its phase is gated.
ALTER TABLE tasks ADD COLUMN review_round integer NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN approved_at timestamptz;
ALTER TABLE tasks ADD COLUMN approved_by text;
-- Reviews interrupted by a dead worker are found by their lapsed lease.
CREATE INDEX tasks_review_lease_idx ON tasks (lease_until) WHERE status = 'in_review';

-- A phase with `approval: required` hands out no task until a person approves the phase for the
-- run (or approves the task itself). The claim reads this row already, for max_concurrency.
ALTER TABLE run_phases ADD COLUMN approval_required boolean NOT NULL DEFAULT false;
ALTER TABLE run_phases ADD COLUMN approved_at timestamptz;
ALTER TABLE run_phases ADD COLUMN approved_by text;

-- When a reviewer (or, without result review, the submission itself) accepted the run's result:
-- such a run succeeds even if a task failed.
ALTER TABLE runs ADD COLUMN result_accepted_at timestamptz;

-- Every reviewer verdict: on a task (`task`) or on a submitted run result (`result`).
CREATE TABLE reviews (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id        uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task_id       uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  subject       text NOT NULL CHECK (subject IN ('task', 'result')),
  round         integer NOT NULL CHECK (round >= 1),
  verdict       text NOT NULL CHECK (verdict IN ('accepted', 'needs_work')),
  feedback      text NOT NULL DEFAULT '',
  model         text NOT NULL,
  tokens_input  bigint NOT NULL DEFAULT 0,
  tokens_output bigint NOT NULL DEFAULT 0,
  cost_usd      numeric,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviews_task_idx ON reviews (task_id, subject, round);
CREATE INDEX reviews_run_idx ON reviews (run_id, subject, created_at);

-- Questions an agent asked a person (ask_human). The task waits in waiting_human until one is
-- answered; the next attempt resumes the session with the answer in its context.
CREATE TABLE human_questions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id       uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task_id      uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  attempt      integer NOT NULL,
  question     text NOT NULL,
  answer       text,
  answered_by  text,
  asked_at     timestamptz NOT NULL DEFAULT now(),
  answered_at  timestamptz
);
CREATE INDEX human_questions_task_idx ON human_questions (task_id, asked_at);
-- One open question per task at most: a task waits for one answer at a time.
CREATE UNIQUE INDEX human_questions_open_idx ON human_questions (task_id) WHERE answered_at IS NULL;
CREATE INDEX human_questions_run_open_idx ON human_questions (run_id, asked_at) WHERE answered_at IS NULL;
