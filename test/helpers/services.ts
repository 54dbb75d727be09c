import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Which outside services the test run may use. `npm test` uses none: every suite runs on the
 * embedded defaults. The whole suite (`npm run test:all`, run by .ci/run) sets
 * ANVIL_TEST_REQUIRE_SERVICES=1 with DATABASE_URL and REDIS_URL: there a missing or unreachable
 * service fails the run loudly instead of quietly shrinking it.
 */
export const requireServices = process.env.ANVIL_TEST_REQUIRE_SERVICES === '1';

function required(name: 'DATABASE_URL' | 'REDIS_URL'): string | undefined {
  const value = process.env[name];
  if (!value && requireServices) {
    throw new Error(`${name} must be set for the whole suite (ANVIL_TEST_REQUIRE_SERVICES=1); .ci/run sets it`);
  }
  return value || undefined;
}

export const postgresUrl = (): string | undefined => required('DATABASE_URL');
export const redisUrl = (): string | undefined => required('REDIS_URL');

/**
 * The Chromium the browser tests drive: ANVIL_CHROMIUM, else `chromium` (Debian's package, which
 * .ci/services.sh installs) or `chromium-browser` on PATH. Tests never download a browser. In the
 * quick suite a missing browser leaves the browser tests undeclared; in the whole suite it fails.
 */
export function chromiumPath(): string | undefined {
  const given = process.env.ANVIL_CHROMIUM;
  const found = given && existsSync(given) ? given : findOnPath(['chromium', 'chromium-browser']);
  if (!found && requireServices) {
    throw new Error('chromium must be installed for the whole suite (ANVIL_TEST_REQUIRE_SERVICES=1): .ci/services.sh installs it, or set ANVIL_CHROMIUM');
  }
  return found;
}

/**
 * A program from Debian's prometheus package (`promtool`, `prometheus`), which .ci/services.sh
 * installs. In the quick suite a missing binary leaves the monitoring tests undeclared; in the
 * whole suite it fails.
 */
export function prometheusBinary(name: 'promtool' | 'prometheus'): string | undefined {
  const found = findOnPath([name]);
  if (!found && requireServices) {
    throw new Error(`${name} must be installed for the whole suite (ANVIL_TEST_REQUIRE_SERVICES=1): .ci/services.sh installs Debian's prometheus package`);
  }
  return found;
}

function findOnPath(names: string[]): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      const candidate = join(directory, name);
      if (directory && existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}
