import type { Queryable } from './database.js';

/** One run_agents row: an outside agent invited to a run; `hash` never leaves src/security/agents. */
export interface RunAgentRow {
  id: string;
  run_id: string;
  name: string;
  prefix: string;
  hash: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface NewRunAgent {
  runId: string;
  name: string;
  prefix: string;
  hash: string;
  /** Seconds until the token expires; undefined for a token that never does. */
  ttlSeconds?: number;
}

export async function insertRunAgent(db: Queryable, agent: NewRunAgent): Promise<RunAgentRow> {
  const result = await db.query<RunAgentRow>(
    `INSERT INTO run_agents (run_id, name, prefix, hash, expires_at)
     VALUES ($1, $2, $3, $4, CASE WHEN $5::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $5::float8) END) RETURNING *`,
    [agent.runId, agent.name, agent.prefix, agent.hash, agent.ttlSeconds ?? null],
  );
  return result.rows[0]!;
}

/** The row for a prefix, with whether it is usable now (not revoked, not expired) by the database's clock. */
export async function findRunAgentByPrefix(db: Queryable, prefix: string): Promise<(RunAgentRow & { usable: boolean }) | undefined> {
  const result = await db.query<RunAgentRow & { usable: boolean }>(
    'SELECT *, (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS usable FROM run_agents WHERE prefix = $1',
    [prefix],
  );
  return result.rows[0];
}

export async function listRunAgents(db: Queryable, runId: string): Promise<RunAgentRow[]> {
  const result = await db.query<RunAgentRow>('SELECT * FROM run_agents WHERE run_id = $1 ORDER BY created_at DESC, id', [runId]);
  return result.rows;
}

/** Marks the agent's token revoked (the first revocation time is kept); undefined when no such agent. */
export async function revokeRunAgent(db: Queryable, id: string): Promise<RunAgentRow | undefined> {
  const result = await db.query<RunAgentRow>('UPDATE run_agents SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *', [id]);
  return result.rows[0];
}

/** Records use at most once per minute per agent, so a tool call is not also a write. */
export async function touchRunAgent(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE run_agents SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
}
