-- The lease sweeper looks for running runs with nothing left to run (a worker died between
-- finishing a run's last task and settling the run; store/queue/unsettled-runs.ts). Only the
-- running runs are indexed, so the lookup stays small however many finished runs accumulate.
CREATE INDEX runs_running_idx ON runs (updated_at) WHERE status = 'running';
