import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`, run by .ci/run after the whole suite): real processes,
 * a private PostgreSQL cluster and a private Redis each scenario starts itself, faults injected
 * under load. Files run one at a time: each scenario loads the machine on its own, and timings
 * measured under a neighbour's load would say little. Its files are `*.fault.ts`, so the ordinary
 * suites never pick them up.
 */
export default defineConfig({
  test: {
    name: 'faults',
    include: ['test/faults/**/*.fault.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    globalSetup: ['test/faults/harness/global-setup.ts'],
    reporters: ['default'],
  },
});
