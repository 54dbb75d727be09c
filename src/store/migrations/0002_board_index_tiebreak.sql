-- The board query orders by (status, priority DESC, created_at, id), but tasks_board_idx ended at
-- created_at. Tasks created in one transaction share created_at (now() is the transaction's
-- start), so without id in the index every such tie group was read and sorted before LIMIT could
-- stop: on a 100,000-task phase created in one batch, the first page read 2,857 rows through an
-- incremental sort (5.2 ms) instead of 51 index entries (0.3 ms). See bench/indexes.
DROP INDEX tasks_board_idx;
CREATE INDEX tasks_board_idx ON tasks (run_id, phase, status, priority DESC, created_at, id);
