/**
 * Verifies presented keys. A key is found by its public prefix and checked by comparing SHA-256
 * digests in constant time. Verified keys (and unknown prefixes) are remembered in memory for
 * `cacheTtlMs`, so a request costs no database round trip; the price is that a revocation made by
 * another process takes effect here within that time (one made through this process at once).
 *
 * "Keys exist" — at least one key not revoked, or a bootstrap admin key in the config — is also
 * cached for `cacheTtlMs`; while none exist, the server serves loopback clients as the local admin.
 */
import { LRUCache } from 'lru-cache';
import type { Database } from '../../store/database.js';
import { activeApiKeyExists, findApiKeyByPrefix, touchApiKey } from '../../store/api-keys.js';
import { parseKey, secretMatches, hashSecret } from './format.js';
import { isApiScope, type ApiScope } from './scopes.js';

/** Who is calling: set on every authenticated request as `request.principal`. */
export interface Principal {
  /** The key id, `bootstrap` for the config's admin key, or `local` without keys. */
  readonly tenant: string;
  readonly keyId: string | undefined;
  readonly name: string;
  readonly scopes: readonly ApiScope[];
  /** The key's own limit; undefined means the server default. */
  readonly rateLimitPerMinute: number | undefined;
  /** The key's daily budget for the gateway; undefined means none. */
  readonly dailyBudgetUsd: number | undefined;
}

export const localAdmin: Principal = { tenant: 'local', keyId: undefined, name: 'local admin (no keys configured)', scopes: ['admin'], rateLimitPerMinute: undefined, dailyBudgetUsd: undefined };

export interface KeyVerifier {
  /** The principal for a presented key, or undefined when it is malformed, unknown, wrong or revoked. */
  verify(presented: string): Promise<Principal | undefined>;
  /** Whether any key exists (cached). */
  keysExist(): Promise<boolean>;
  /** Drops cached state after a key was created or revoked through this process. */
  invalidate(): void;
}

export interface KeyVerifierOptions {
  db: Database;
  /** The bootstrap admin key from `security.adminKey`, if any. */
  bootstrapKey?: string;
  /** How long verified keys and the "keys exist" answer are trusted; default 30 000 ms. */
  cacheTtlMs?: number;
  /** Bound on remembered prefixes (known and unknown); default 10 000. */
  maxCachedKeys?: number;
}

interface CachedKey {
  readonly hash: string;
  readonly principal: Principal | undefined;
}

export function createKeyVerifier({ db, bootstrapKey, cacheTtlMs = 30_000, maxCachedKeys = 10_000 }: KeyVerifierOptions): KeyVerifier {
  const cache = new LRUCache<string, CachedKey>({ max: maxCachedKeys, ttl: cacheTtlMs });
  const bootstrap = bootstrapKey ? parseKey(bootstrapKey) : undefined;
  const bootstrapHash = bootstrap ? hashSecret(bootstrap.secret) : undefined;
  let existence: { value: boolean; until: number } | undefined;

  async function lookup(prefix: string): Promise<CachedKey> {
    const cached = cache.get(prefix);
    if (cached) return cached;
    const row = await findApiKeyByPrefix(db, prefix);
    // An unknown or revoked prefix is remembered too, so a flood of bad keys is not a flood of queries.
    const entry: CachedKey =
      row && row.revoked_at === null
        ? {
            hash: row.hash,
            principal: {
              tenant: row.id,
              keyId: row.id,
              name: row.name,
              scopes: row.scopes.filter(isApiScope),
              rateLimitPerMinute: row.rate_limit_per_minute ?? undefined,
              dailyBudgetUsd: row.daily_budget_usd === null ? undefined : Number(row.daily_budget_usd),
            },
          }
        : { hash: '', principal: undefined };
    cache.set(prefix, entry);
    if (entry.principal) void touchApiKey(db, row!.id).catch(() => {});
    return entry;
  }

  return {
    async verify(presented) {
      const parsed = parseKey(presented);
      if (!parsed) return undefined;
      if (bootstrap && bootstrapHash && parsed.prefix === bootstrap.prefix) {
        return secretMatches(parsed.secret, bootstrapHash)
          ? { tenant: 'bootstrap', keyId: undefined, name: 'bootstrap admin key (security.adminKey)', scopes: ['admin'], rateLimitPerMinute: undefined, dailyBudgetUsd: undefined }
          : undefined;
      }
      const entry = await lookup(parsed.prefix);
      if (!entry.principal) return undefined;
      return secretMatches(parsed.secret, entry.hash) ? entry.principal : undefined;
    },
    async keysExist() {
      if (bootstrap) return true;
      const now = Date.now();
      if (existence && existence.until > now) return existence.value;
      const value = await activeApiKeyExists(db);
      existence = { value, until: now + cacheTtlMs };
      return value;
    },
    invalidate() {
      cache.clear();
      existence = undefined;
    },
  };
}
