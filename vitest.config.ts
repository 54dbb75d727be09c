import { defineConfig } from 'vitest/config';
import { chromiumPath, prometheusBinary, requireServices } from './test/helpers/services.js';

/**
 * A test file that needs an outside service throughout is named for it: `*.postgres.test.ts`,
 * `*.redis.test.ts`, `*.chromium.test.ts`, `*.prometheus.test.ts`. `npm test` (no services)
 * leaves out the files whose service is absent — it does not count them as passed or skipped.
 * The whole suite (ANVIL_TEST_REQUIRE_SERVICES=1) runs them all, and a missing service fails it.
 */
function filesForAbsentServices(): string[] {
  if (requireServices) return [];
  const available: Record<string, boolean> = {
    postgres: Boolean(process.env.DATABASE_URL),
    redis: Boolean(process.env.REDIS_URL),
    chromium: chromiumPath() !== undefined,
    prometheus: prometheusBinary('promtool') !== undefined && prometheusBinary('prometheus') !== undefined,
  };
  return Object.entries(available)
    .filter(([, present]) => !present)
    .map(([service]) => `**/*.${service}.test.ts`);
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'web/**', ...filesForAbsentServices()],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here: more forks than that only adds contention.
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/**/testing/**'],
      reporter: ['text-summary', 'json-summary'],
      // The gate only ever rises (see docs/operations.md, "Coverage").
      thresholds: { lines: 80 },
    },
    // One `npm test`: the server's suites in Node, the dashboard's component tests in jsdom.
    projects: [
      { extends: true, test: { name: 'server' } },
      { test: { name: 'web', include: ['web/src/**/*.test.{ts,tsx}'], environment: 'jsdom', testTimeout: 30_000 } },
    ],
  },
});
