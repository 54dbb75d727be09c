import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAnvilError } from '../../../errors.js';
import type { SecretsBackend } from '../backend.js';

/**
 * One behavioural suite for every SecretsBackend (STYLE.md, habit 3). A fixture gives the
 * backend under test and a way to put a value where that backend reads it; a backend that can
 * fail (everything but env) also gives a way to make its service fail.
 */
export interface BackendFixture {
  backend: SecretsBackend;
  put(name: string, value: string): Promise<void> | void;
  /** Makes the service fail (an outage, a sealed vault, an unreadable file); absent for env. */
  setFailing?(failing: boolean): void;
  /** Credentials the backend uses; they must never appear in an error either. */
  credentials: string[];
  close(): Promise<void>;
}

export function describeBackendContract(label: string, setup: () => Promise<BackendFixture>): void {
  describe(`secrets backend contract: ${label}`, () => {
    let fixture: BackendFixture;
    const stored = { plain: `contract-plain-${label}-7d1e`, awkward: `p@ss/wörd "quoted" = \\ & more-${label}` };
    beforeAll(async () => {
      fixture = await setup();
      await fixture.put('CONTRACT_PLAIN', stored.plain);
      await fixture.put('CONTRACT_AWKWARD', stored.awkward);
    });
    afterAll(async () => {
      await fixture.backend.close?.();
      await fixture.close();
    });

    it('returns the value stored under a name', async () => {
      expect(await fixture.backend.get('CONTRACT_PLAIN')).toBe(stored.plain);
    });

    it('round-trips a value with non-ASCII letters, quotes, slashes and symbols unchanged', async () => {
      expect(await fixture.backend.get('CONTRACT_AWKWARD')).toBe(stored.awkward);
    });

    it('answers undefined for a name it does not hold, so the manager asks the next backend', async () => {
      expect(await fixture.backend.get('CONTRACT_ABSENT')).toBeUndefined();
    });

    it('sees a changed value on the next read (the backend keeps no cache of its own)', async () => {
      await fixture.put('CONTRACT_ROTATED', 'rotated-before-0001');
      expect(await fixture.backend.get('CONTRACT_ROTATED')).toBe('rotated-before-0001');
      await fixture.put('CONTRACT_ROTATED', 'rotated-after-0002');
      expect(await fixture.backend.get('CONTRACT_ROTATED')).toBe('rotated-after-0002');
    });

    it('fails with SECRET_BACKEND_FAILED naming the backend and secret, and no value or credential, when its service fails', async () => {
      if (!fixture.setFailing) {
        // The environment cannot fail; the assertion below documents that instead of skipping.
        expect(label).toBe('env');
        return;
      }
      fixture.setFailing(true);
      try {
        const error = await fixture.backend.get('CONTRACT_PLAIN').then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(isAnvilError(error) && error.code).toBe('SECRET_BACKEND_FAILED');
        const text = `${(error as Error).message} ${JSON.stringify((error as { details?: unknown }).details)} ${(error as Error).stack}`;
        expect(text).toContain(fixture.backend.name);
        expect(text).toContain('CONTRACT_PLAIN');
        for (const secret of [stored.plain, stored.awkward, ...fixture.credentials]) expect(text).not.toContain(secret);
      } finally {
        fixture.setFailing(false);
      }
    });
  });
}
