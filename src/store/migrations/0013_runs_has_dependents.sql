-- Set once a task that depends on others is added to the run. A completion that waited for the
-- run's lock while another write committed checks the run's blocked tasks once more, but only in
-- a run where a task may wait on another (store/queue/unblock.ts): most runs have none, and their
-- completions skip the extra statement.
ALTER TABLE runs ADD COLUMN has_dependents boolean NOT NULL DEFAULT false;
UPDATE runs r SET has_dependents = true
WHERE EXISTS (SELECT 1 FROM tasks t WHERE t.run_id = r.id AND cardinality(t.depends_on) > 0);
