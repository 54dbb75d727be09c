import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../store/database.js';
import { databaseVariants } from '../../../test/helpers/databases.js';
import { createApiKey, createKeyVerifier, generateKey, listKeys, parseKey, revokeKey, secretMatches, scopeAllows } from './index.js';

describe('key format', () => {
  it('issues anvil_<prefix>_<secret> keys that parse back and match only their own hash', () => {
    const one = generateKey();
    const two = generateKey();
    expect(one.key).toMatch(/^anvil_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseKey(one.key)!;
    expect(parsed.prefix).toBe(one.prefix);
    expect(secretMatches(parsed.secret, one.hash)).toBe(true);
    expect(secretMatches(parsed.secret, two.hash)).toBe(false);
    expect(secretMatches(parsed.secret, 'abc')).toBe(false);
    expect(parseKey('anvil_short_x')).toBeUndefined();
  });

  it('lets admin stand in for every scope and any key call a public route', () => {
    expect(scopeAllows(['admin'], 'llm:invoke')).toBe(true);
    expect(scopeAllows(['runs:read'], 'runs:write')).toBe(false);
    expect(scopeAllows([], 'public')).toBe(true);
  });
});

for (const variant of databaseVariants()) {
  describe(`keys on ${variant.name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await variant.open();
    });
    afterAll(async () => db.close());

    it('stores only the hash, verifies the key, and forgets it after revocation once the cache is cleared', async () => {
      const verifier = createKeyVerifier({ db, cacheTtlMs: 60_000 });
      expect(await verifier.keysExist()).toBe(false);
      const created = await createApiKey(db, { name: 'ci', scopes: ['runs:read', 'runs:write'], rateLimitPerMinute: 60, dailyBudgetUsd: 2.5 });
      const stored = await db.query<{ hash: string }>('SELECT hash FROM api_keys WHERE id = $1', [created.view.id]);
      expect(created.key).not.toContain(stored.rows[0]!.hash);
      expect(JSON.stringify(await listKeys(db))).not.toContain(stored.rows[0]!.hash);
      verifier.invalidate();
      expect(await verifier.keysExist()).toBe(true);
      const principal = await verifier.verify(created.key);
      expect(principal).toMatchObject({ tenant: created.view.id, scopes: ['runs:read', 'runs:write'], rateLimitPerMinute: 60, dailyBudgetUsd: 2.5 });
      expect(await verifier.verify(created.key.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')))).toBeUndefined();
      await revokeKey(db, created.view.id);
      // Within the cache TTL another process's revocation is not seen yet; invalidation is what the API does.
      expect(await verifier.verify(created.key)).toBeDefined();
      verifier.invalidate();
      expect(await verifier.verify(created.key)).toBeUndefined();
      expect(await verifier.keysExist()).toBe(false);
    });

    it('accepts the bootstrap admin key from the config and counts it as a key', async () => {
      const bootstrap = generateKey().key;
      const verifier = createKeyVerifier({ db, bootstrapKey: bootstrap });
      expect(await verifier.keysExist()).toBe(true);
      expect((await verifier.verify(bootstrap))?.scopes).toEqual(['admin']);
    });

    it('refuses unknown scopes and an id that is not a key', async () => {
      await expect(createApiKey(db, { name: 'x', scopes: ['root'] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(revokeKey(db, 'not-a-uuid')).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    });
  });
}
