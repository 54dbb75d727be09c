import type { Queryable } from './database.js';

/** One api_keys row; `hash` never leaves src/security/keys. */
export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: string[];
  rate_limit_per_minute: number | null;
  daily_budget_usd: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface NewApiKey {
  name: string;
  prefix: string;
  hash: string;
  scopes: readonly string[];
  rateLimitPerMinute?: number;
  dailyBudgetUsd?: number;
}

export async function insertApiKey(db: Queryable, key: NewApiKey): Promise<ApiKeyRow> {
  const result = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (name, prefix, hash, scopes, rate_limit_per_minute, daily_budget_usd)
     VALUES ($1, $2, $3, $4::text[], $5, $6) RETURNING *`,
    [key.name, key.prefix, key.hash, key.scopes, key.rateLimitPerMinute ?? null, key.dailyBudgetUsd ?? null],
  );
  return result.rows[0]!;
}

export async function findApiKeyByPrefix(db: Queryable, prefix: string): Promise<ApiKeyRow | undefined> {
  const result = await db.query<ApiKeyRow>('SELECT * FROM api_keys WHERE prefix = $1', [prefix]);
  return result.rows[0];
}

export async function listApiKeys(db: Queryable): Promise<ApiKeyRow[]> {
  const result = await db.query<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at DESC, id');
  return result.rows;
}

/** Marks the key revoked (the first revocation time is kept); undefined when no such key. */
export async function revokeApiKey(db: Queryable, id: string): Promise<ApiKeyRow | undefined> {
  const result = await db.query<ApiKeyRow>('UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *', [id]);
  return result.rows[0];
}

export async function activeApiKeyExists(db: Queryable): Promise<boolean> {
  const result = await db.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL) AS exists');
  return result.rows[0]?.exists === true;
}

/** Records use at most once per minute per key, so verification is not a write per request. */
export async function touchApiKey(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
}

/**
 * A key's daily budget in dollars, for calls made on its behalf outside a request (the agents of
 * a run it started); undefined when the key sets none or is unknown. A revoked key keeps its cap:
 * the runs it started before revocation still spend against it.
 */
export async function apiKeyDailyBudget(db: Queryable, id: string): Promise<number | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  const result = await db.query<{ daily_budget_usd: string | number | null }>('SELECT daily_budget_usd FROM api_keys WHERE id = $1', [id]);
  const value = result.rows[0]?.daily_budget_usd;
  return value === undefined || value === null ? undefined : Number(value);
}
