/**
 * Verifies an outside agent's token on every /mcp request. Nothing is cached: a token revoked or
 * expired in any process is refused at its next request (the look-up is one index probe by the
 * public prefix, small beside the tool call it guards). Expiry is judged by the database's clock,
 * the same clock every API node shares.
 */
import type { Queryable } from '../../store/database.js';
import { findRunAgentByPrefix, touchRunAgent } from '../../store/run-agents.js';
import { secretMatches } from '../keys/index.js';
import { agentWorkerId, parseAgentToken } from './token.js';

/** An outside agent, identified by its token: the run it may work in and the lease holder id it claims as. */
export interface AgentPrincipal {
  readonly id: string;
  readonly runId: string;
  readonly name: string;
  readonly workerId: string;
}

export type AgentVerdict = { agent: AgentPrincipal } | { refused: 'malformed' | 'unknown' | 'revoked' | 'expired' };

export async function verifyAgentToken(db: Queryable, presented: string): Promise<AgentVerdict> {
  const parsed = parseAgentToken(presented);
  if (!parsed) return { refused: 'malformed' };
  const row = await findRunAgentByPrefix(db, parsed.prefix);
  // The secret is checked before the row's state, so a wrong secret never learns whether a prefix was revoked.
  if (!row || !secretMatches(parsed.secret, row.hash)) return { refused: 'unknown' };
  if (!row.usable) return { refused: row.revoked_at ? 'revoked' : 'expired' };
  void touchRunAgent(db, row.id).catch(() => {});
  return { agent: { id: row.id, runId: row.run_id, name: row.name, workerId: agentWorkerId(row.prefix) } };
}

export function isAgentToken(presented: string): boolean {
  return presented.startsWith('anvil_agent_');
}
