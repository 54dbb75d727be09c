import { rmSync } from 'node:fs';
import { postgresBinaries, prlimitBinary, redisServerBinary } from './binaries.js';
import { readResults, resultsFolder, resultsTable } from './report.js';
import { ensureServerBuild } from './server-build.js';

/**
 * Before any scenario: the binaries the suite needs must exist (a missing one fails the run, in
 * CI and locally alike), the results of an earlier run are cleared, and the server is compiled
 * when dist/ is older than the sources. After the last: the table
 * of every scenario's numbers.
 */
export function setup(): void {
  postgresBinaries();
  redisServerBinary();
  prlimitBinary();
  rmSync(resultsFolder(), { recursive: true, force: true });
  ensureServerBuild();
}

export function teardown(): void {
  const results = readResults();
  console.log(`\nFault suite results\n\n${resultsTable(results)}\n`);
}
