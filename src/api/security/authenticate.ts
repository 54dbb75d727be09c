/**
 * Authentication and authorisation as two hooks, with the rate limiter between them:
 *
 *   onRequest   identify   the key from `x-api-key` or `Authorization: Bearer`; sets
 *                          request.principal and request.tenant (or the local admin when no key
 *                          exists and the client is on loopback), or request.agent for an
 *                          outside agent's token (`anvil_agent_…`)
 *   onRequest   rate limit keyed by the identified key, else by IP (route-level, so after identify)
 *   preParsing  authorise  401 without a valid key, 403 when the key lacks the route's scope or
 *                          the route declares none — before the body is read. `agent` routes
 *                          (/mcp) take an agent's token only; an agent's token opens nothing else
 *
 * Identifying first lets the limiter count by key; authorising after it means failed attempts
 * are counted (by IP) too.
 */
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AnvilError } from '../../errors.js';
import { isAgentToken, verifyAgentToken, type AgentVerdict } from '../../security/agents/index.js';
import { isRouteScope, localAdmin, scopeAllows, type KeyVerifier } from '../../security/keys/index.js';
import type { Queryable } from '../../store/database.js';
import './fastify-types.js';

/** The presented key: `x-api-key`, or the token of `Authorization: Bearer`. */
export function presentedKey(headers: FastifyRequest['headers']): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header.trim();
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  return undefined;
}

/** The socket's peer, not X-Forwarded-For: loopback trust must not be claimable by a header. */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (!address) return false;
  if (isIP(address) === 4) return address.startsWith('127.');
  return address === '::1' || address.startsWith('::ffff:127.');
}

/** Requests that presented a key that did not verify: 401 names that, rather than a missing key. */
const presentedInvalidKey = new WeakSet<FastifyRequest>();
/** Why a presented agent token was refused, for the 401's message (told only after the secret matched). */
const refusedAgentTokens = new WeakMap<FastifyRequest, Extract<AgentVerdict, { refused: string }>['refused']>();

export function identifyHook({ verifier, db }: { verifier: KeyVerifier; db: Queryable }) {
  return async function identify(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const presented = presentedKey(request.headers);
    if (presented !== undefined && isAgentToken(presented)) {
      const verdict = await verifyAgentToken(db, presented);
      if ('agent' in verdict) request.agent = verdict.agent;
      else refusedAgentTokens.set(request, verdict.refused);
      return;
    }
    if (presented !== undefined) {
      const principal = await verifier.verify(presented);
      if (principal) {
        request.principal = principal;
        request.tenant = principal.tenant;
      } else {
        presentedInvalidKey.add(request);
      }
      return;
    }
    // Public routes need no principal, and must not need the database: /readyz has to answer
    // (503, with the reason) while the database is down.
    if (request.routeOptions.config?.scope === 'public') return;
    if (isLoopbackPeer(request.socket.remoteAddress) && !(await verifier.keysExist())) {
      request.principal = localAdmin;
      request.tenant = localAdmin.tenant;
    }
  };
}

const agentTokenRefusals = {
  malformed: 'the agent token is not in the issued format (anvil_agent_…)',
  unknown: 'the agent token is not valid (unknown or mistyped)',
  revoked: 'the agent token was revoked',
  expired: 'the agent token has expired; invite the agent again (anvil agents invite)',
} as const;

/** /mcp: only an outside agent's token, never an API key (an agent's run and identity come from its token). */
function authoriseAgent(request: FastifyRequest, reply: FastifyReply): void {
  if (request.agent) return;
  reply.header('www-authenticate', 'Bearer realm="anvil-mcp"');
  const refused = refusedAgentTokens.get(request);
  if (refused) throw new AnvilError('UNAUTHORIZED', agentTokenRefusals[refused]);
  if (presentedKey(request.headers) !== undefined && !presentedInvalidKey.has(request) && request.principal) {
    throw new AnvilError('FORBIDDEN', `${request.routeOptions.url ?? ''} takes an outside agent's token (anvil agents invite RUN), not an API key`, { required: 'agent' });
  }
  throw new AnvilError('UNAUTHORIZED', "an outside agent's token is required: send it as Authorization: Bearer anvil_agent_… (anvil agents invite RUN)");
}

export async function authorise(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const scope = request.is404 ? undefined : request.routeOptions.config?.scope;
  if (scope === 'public') return;
  if (scope === 'agent') return authoriseAgent(request, reply);
  if (request.agent || refusedAgentTokens.has(request)) {
    throw new AnvilError('FORBIDDEN', "an outside agent's token opens /mcp only", { required: scope ?? null });
  }
  const principal = request.principal;
  if (!principal) {
    const invalid = presentedInvalidKey.has(request);
    throw new AnvilError('UNAUTHORIZED', invalid ? 'the API key is not valid (unknown, revoked or mistyped)' : 'an API key is required: send it in x-api-key or Authorization: Bearer');
  }
  // Unknown paths answer 404 to any valid key, so route names are not revealed without one.
  if (request.is404) return;
  if (!isRouteScope(scope)) {
    throw new AnvilError('FORBIDDEN', `${request.method} ${request.routeOptions.url ?? ''} declares no scope, so it is denied to every key`, { required: null });
  }
  if (!scopeAllows(principal.scopes, scope)) {
    throw new AnvilError('FORBIDDEN', `this key lacks the scope ${scope}`, { required: scope, granted: principal.scopes });
  }
}
