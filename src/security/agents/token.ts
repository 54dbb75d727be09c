/**
 * Outside agents' tokens: `anvil_agent_<prefix>_<secret>`, made and hashed like API keys
 * (src/security/keys/format.ts: a public 12-hex prefix, a 256-bit secret shown once and stored as
 * its SHA-256, compared in constant time). The distinct `anvil_agent_` start keeps the two apart:
 * an agent's token never parses as an API key, so it opens no REST route, and an API key never
 * opens /mcp.
 */
import { generateSecret } from '../keys/index.js';

export const agentTokenPattern = /^anvil_agent_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function generateAgentToken(): { token: string; prefix: string; hash: string } {
  const { prefix, secret, hash } = generateSecret();
  return { token: `anvil_agent_${prefix}_${secret}`, prefix, hash };
}

/** Splits a presented token; undefined when it is not in the issued format. */
export function parseAgentToken(presented: string): { prefix: string; secret: string } | undefined {
  const match = agentTokenPattern.exec(presented);
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}

/** The lease holder id an agent's claims carry: public (the prefix), stable for the token's life. */
export function agentWorkerId(prefix: string): string {
  return `mcp:${prefix}`;
}
