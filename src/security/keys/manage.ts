/**
 * Creating, listing and revoking keys: shared by the keys API (src/api/routes/keys.ts) and the
 * `anvil keys` command, which works on the database directly. A listing never carries the secret
 * or its hash; creation returns the whole key exactly once.
 */
import { AnvilError } from '../../errors.js';
import type { Queryable } from '../../store/database.js';
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '../../store/api-keys.js';
import { generateKey } from './format.js';
import { apiScopes, isApiScope, type ApiScope } from './scopes.js';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  rate_limit_per_minute: number | null;
  daily_budget_usd: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreateKeyOptions {
  name: string;
  scopes: readonly string[];
  /** Requests per minute for this key; default: the server's `security.rateLimit.perKeyPerMinute`. */
  rateLimitPerMinute?: number;
  /** Dollars per day the gateway lets this key spend; default: no key budget. */
  dailyBudgetUsd?: number;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function keyView(row: ApiKeyRow): ApiKeyView {
  const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.filter(isApiScope),
    rate_limit_per_minute: row.rate_limit_per_minute === null ? null : Number(row.rate_limit_per_minute),
    daily_budget_usd: row.daily_budget_usd === null ? null : Number(row.daily_budget_usd),
    created_at: new Date(row.created_at).toISOString(),
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
  };
}

export async function createApiKey(db: Queryable, { name, scopes, rateLimitPerMinute, dailyBudgetUsd }: CreateKeyOptions): Promise<{ key: string; view: ApiKeyView }> {
  const unknown = scopes.filter((scope) => !isApiScope(scope));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new AnvilError('VALIDATION_FAILED', `scopes: expected one or more of ${apiScopes.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`, { field: 'scopes' });
  }
  if (name.trim().length === 0) throw new AnvilError('VALIDATION_FAILED', 'name: expected a non-empty name', { field: 'name' });
  const generated = generateKey();
  const row = await insertApiKey(db, { name, prefix: generated.prefix, hash: generated.hash, scopes: [...new Set(scopes)], rateLimitPerMinute, dailyBudgetUsd });
  return { key: generated.key, view: keyView(row) };
}

export async function listKeys(db: Queryable): Promise<ApiKeyView[]> {
  return (await listApiKeys(db)).map(keyView);
}

/** Revokes a key by id (idempotent: a revoked key keeps its first revocation time). */
export async function revokeKey(db: Queryable, id: string): Promise<ApiKeyView> {
  const row = uuidPattern.test(id) ? await revokeApiKey(db, id) : undefined;
  if (!row) throw new AnvilError('API_KEY_NOT_FOUND', `API key ${id} not found`, { id });
  return keyView(row);
}
