import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What each fault scenario reports, the columns of the table the suite prints at the end: HTTP
 * requests that failed (with how many of them were 5xx other than a 503 with Retry-After, and how
 * many hung), tasks lost and tasks completed twice (both must be 0), and the time from the fault's
 * end to the system serving again.
 */
export interface ScenarioResult {
  scenario: string;
  requests: number;
  requestsFailed: number;
  /** Failures that were not a fast 503 with Retry-After (a 500, a hang, a reset): must be 0. */
  requestsFailedBadly: number;
  tasks: number;
  tasksLost: number;
  tasksCompletedTwice: number;
  recoverSeconds: number | null;
  notes: string;
}

export const resultsFolder = (): string => process.env.ANVIL_FAULT_RESULTS ?? join(process.cwd(), 'node_modules', '.cache', 'anvil-fault-results');

export function recordScenario(result: ScenarioResult): void {
  const folder = resultsFolder();
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${result.scenario.replace(/\W+/g, '-')}.json`), JSON.stringify(result));
  console.log(`fault scenario: ${JSON.stringify(result)}`);
}

export function readResults(): ScenarioResult[] {
  const folder = resultsFolder();
  try {
    return readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as ScenarioResult);
  } catch {
    return [];
  }
}

export function resultsTable(results: ScenarioResult[]): string {
  const header = ['scenario', 'requests', 'failed', 'failed badly', 'tasks', 'lost', 'completed twice', 'recover (s)', 'notes'];
  const rows = results.map((result) => [
    result.scenario,
    String(result.requests),
    String(result.requestsFailed),
    String(result.requestsFailedBadly),
    String(result.tasks),
    String(result.tasksLost),
    String(result.tasksCompletedTwice),
    result.recoverSeconds === null ? '-' : result.recoverSeconds.toFixed(1),
    result.notes,
  ]);
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
