import { AnvilError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import type { Redactor } from '../../observability/redactor.js';
import type { SecretsBackend, SecretsBackendName } from './backend.js';

/**
 * The secrets manager: `get(name)` asks an ordered chain of backends; the first that holds the
 * name wins. States of one name's cache entry:
 *
 *   absent ──get──▶ fresh (served until the TTL ends) ──expiry or invalidate()──▶ stale
 *   stale ──get, backend answers──▶ fresh (the new value)
 *   stale ──get, a backend fails──▶ fresh again for the retry interval, serving the LAST GOOD
 *          value, with a warning that names the backend (never the value)
 *
 * A failing backend stops the walk rather than being skipped: the order states precedence, and
 * quietly taking a lower backend's value could serve an older password than the one in force.
 * Concurrent gets of one name share one fetch. Every value fetched is registered with the
 * redactor before it is returned, so no log line can carry it afterwards.
 */
export interface SecretsManager {
  /** The value; throws SECRET_NOT_FOUND or SECRET_BACKEND_FAILED (neither ever holds a value). */
  get(name: string): Promise<string>;
  /** Where a name resolves from, for `anvil secrets check`: the first backend holding it, and each backend's answer. */
  locate(name: string): Promise<SecretLocation>;
  /** Marks one name (or all) stale: the next get fetches again; the last good value stays for failures. */
  invalidate(name?: string): void;
  readonly backendNames: readonly SecretsBackendName[];
  close(): Promise<void>;
}

export type BackendAnswer = 'found' | 'absent' | 'failed';

export interface SecretLocation {
  name: string;
  /** The backend a get would take the value from; undefined when none holds it or one failed first. */
  resolvedFrom: SecretsBackendName | undefined;
  answers: { backend: SecretsBackendName; answer: BackendAnswer; reason?: string }[];
}

export interface SecretsManagerOptions {
  backends: readonly SecretsBackend[];
  logger: Logger;
  redactor: Redactor;
  /** How long a value is served before it is fetched again (default 300 s; 0 fetches every time). */
  ttlMs?: number;
  /** How long a last good value is served after a failure before the backend is tried again (default 30 s, capped by the TTL, jittered). */
  retryAfterFailureMs?: number;
  now?: () => number;
}

interface Entry {
  value: string;
  backend: SecretsBackendName;
  expiresAt: number;
}

const namePattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;

export function createSecretsManager({ backends, logger, redactor, ttlMs = 300_000, retryAfterFailureMs = 30_000, now = Date.now }: SecretsManagerOptions): SecretsManager {
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<string>>();
  const log = logger.child({ component: 'secrets' });

  function checkName(name: string): void {
    if (!namePattern.test(name)) {
      throw new AnvilError('VALIDATION_FAILED', 'a secret name is letters, digits, `_`, `.` and `-`, starting with a letter, digit or `_`', { secretName: name.slice(0, 64) });
    }
  }

  async function fetchValue(name: string): Promise<string> {
    for (const backend of backends) {
      let value: string | undefined;
      try {
        value = await backend.get(name);
      } catch (error) {
        return serveLastGood(name, backend.name, error);
      }
      if (value === undefined) continue;
      redactor.add(value);
      entries.set(name, { value, backend: backend.name, expiresAt: now() + ttlMs });
      return value;
    }
    entries.delete(name);
    throw new AnvilError('SECRET_NOT_FOUND', `secret ${name} is in none of the backends (${backends.map((backend) => backend.name).join(', ') || 'none configured'})`, {
      secretName: name,
      backends: backends.map((backend) => backend.name),
    });
  }

  function serveLastGood(name: string, backend: SecretsBackendName, error: unknown): string {
    const reason = redactor.redact(error instanceof AnvilError ? String(error.details?.reason ?? error.message) : (error as Error)?.name ?? 'error');
    const last = entries.get(name);
    if (!last) {
      if (error instanceof AnvilError && error.code === 'SECRET_BACKEND_FAILED') throw error;
      throw new AnvilError('SECRET_BACKEND_FAILED', `secrets backend ${backend} could not answer for ${name}: ${reason}`, { backend, secretName: name, reason });
    }
    const pause = Math.min(retryAfterFailureMs, Math.max(ttlMs, 1_000)) * (0.8 + Math.random() * 0.4);
    last.expiresAt = now() + pause;
    log.warn({ secretName: name, backend, reason, servedFrom: last.backend, retryInMs: Math.round(pause) }, 'secrets backend failed; serving the last good value');
    return last.value;
  }

  return {
    backendNames: backends.map((backend) => backend.name),
    async get(name) {
      checkName(name);
      const entry = entries.get(name);
      if (entry && entry.expiresAt > now()) return entry.value;
      let pending = inFlight.get(name);
      if (!pending) {
        pending = fetchValue(name).finally(() => inFlight.delete(name));
        inFlight.set(name, pending);
      }
      return pending;
    },
    async locate(name) {
      checkName(name);
      const answers: SecretLocation['answers'] = [];
      let resolvedFrom: SecretsBackendName | undefined;
      let blocked = false;
      for (const backend of backends) {
        try {
          const value = await backend.get(name);
          if (value !== undefined) redactor.add(value);
          answers.push({ backend: backend.name, answer: value === undefined ? 'absent' : 'found' });
          if (value !== undefined && !resolvedFrom && !blocked) resolvedFrom = backend.name;
        } catch (error) {
          const reason = error instanceof AnvilError ? String(error.details?.reason ?? error.code) : ((error as Error)?.name ?? 'error');
          answers.push({ backend: backend.name, answer: 'failed', reason: redactor.redact(reason) });
          blocked ||= !resolvedFrom;
        }
      }
      return { name, resolvedFrom, answers };
    },
    invalidate(name) {
      for (const [key, entry] of entries) {
        if (name === undefined || key === name) entry.expiresAt = 0;
      }
    },
    async close() {
      await Promise.all(backends.map((backend) => backend.close?.().catch(() => {})));
    },
  };
}
