/**
 * Inviting, listing and revoking outside agents: shared by the agents API
 * (src/api/routes/agents.ts) and `anvil agents`. An invitation returns the token exactly once; a
 * listing never carries it or its hash.
 */
import { AnvilError, notFound } from '../../errors.js';
import type { Queryable } from '../../store/database.js';
import { findRun } from '../../store/runs.js';
import { insertRunAgent, listRunAgents, revokeRunAgent, type RunAgentRow } from '../../store/run-agents.js';
import { agentWorkerId, generateAgentToken } from './token.js';

export type RunAgentState = 'active' | 'expired' | 'revoked';

export interface RunAgentView {
  id: string;
  run_id: string;
  name: string;
  prefix: string;
  /** What the agent's claims carry as worker_id (in tasks and events). */
  worker_id: string;
  state: RunAgentState;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface InviteAgentOptions {
  runId: string;
  name: string;
  /** Seconds until the token expires; null for a token that never expires. */
  ttlSeconds: number | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const finishedStatuses = new Set(['succeeded', 'failed', 'cancelled']);
const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

export function agentView(row: RunAgentRow, now = Date.now()): RunAgentView {
  const state: RunAgentState = row.revoked_at ? 'revoked' : row.expires_at && new Date(row.expires_at).getTime() <= now ? 'expired' : 'active';
  return {
    id: row.id,
    run_id: row.run_id,
    name: row.name,
    prefix: row.prefix,
    worker_id: agentWorkerId(row.prefix),
    state,
    created_at: new Date(row.created_at).toISOString(),
    expires_at: iso(row.expires_at),
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
  };
}

export async function inviteAgent(db: Queryable, { runId, name, ttlSeconds }: InviteAgentOptions): Promise<{ token: string; view: RunAgentView }> {
  const run = uuidPattern.test(runId) ? await findRun(db, runId) : undefined;
  if (!run) throw notFound('RUN_NOT_FOUND', runId);
  if (finishedStatuses.has(run.status)) {
    throw new AnvilError('RUN_STATE_CONFLICT', `run ${run.id} is ${run.status}; no agent can join it`, { id: run.id, status: run.status });
  }
  if (name.trim().length === 0) throw new AnvilError('VALIDATION_FAILED', 'name: expected a non-empty name', { field: 'name' });
  if (ttlSeconds !== null && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) {
    throw new AnvilError('VALIDATION_FAILED', 'ttl: expected a positive whole number of seconds, or no expiry', { field: 'ttl_seconds' });
  }
  const generated = generateAgentToken();
  const row = await insertRunAgent(db, { runId: run.id, name: name.trim(), prefix: generated.prefix, hash: generated.hash, ttlSeconds: ttlSeconds ?? undefined });
  return { token: generated.token, view: agentView(row) };
}

export async function listAgents(db: Queryable, runId: string): Promise<RunAgentView[]> {
  const run = uuidPattern.test(runId) ? await findRun(db, runId) : undefined;
  if (!run) throw notFound('RUN_NOT_FOUND', runId);
  return (await listRunAgents(db, run.id)).map((row) => agentView(row));
}

/** Revokes an agent's token by the agent's id (idempotent: the first revocation time is kept). */
export async function revokeAgent(db: Queryable, id: string): Promise<RunAgentView> {
  const row = uuidPattern.test(id) ? await revokeRunAgent(db, id) : undefined;
  if (!row) throw new AnvilError('AGENT_NOT_FOUND', `agent ${id} not found`, { id });
  return agentView(row);
}
