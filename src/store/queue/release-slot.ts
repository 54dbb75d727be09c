/**
 * CTE that gives back a phase concurrency slot for every row of `changed` that left 'running'.
 * Phases without a limit keep no count, so only limited phases are touched.
 */
export const releaseSlotCte = `released AS (
    UPDATE run_phases p SET running = greatest(p.running - x.count, 0)
    FROM (SELECT run_id, phase, count(*)::int AS count FROM changed GROUP BY run_id, phase) x
    WHERE p.run_id = x.run_id AND p.phase = x.phase AND p.max_concurrency IS NOT NULL
    RETURNING p.run_id
  )`;
