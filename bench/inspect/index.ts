/**
 * Input inspector throughput: `npm run bench -- inspect`.
 * Workloads: a typical 2 KB JSON request body (run creation: goal prompt, title, tags, params,
 * filters) walked with its field kinds; a single query value; and every line of the development
 * corpus (../shared/corpus) inspected as a query value, for MB/s. The route-level comparison
 * (API with the hook on and off) is bench/inspect-route.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createInspector } from '../../src/security/inspect/index.js';
import { machine, recordSection, table } from '../lib/report.js';

const inspector = createInspector({});
const body = {
  workflow: 'bug-hunt.v2',
  goal: 'Find why the login page returns 500 for users whose name contains an apostrophe (O\'Brien), fix it, add a regression test, and update the changelog. Do not touch ../shared.',
  title: 'Fix 500 on /api/login for names with quotes & accents (R&D <3)',
  tags: ['auth', 'regression', 'p1', 'backend', 'login', 'unicode'],
  acceptance: ['Names such as O\'Brien and D\'Angelo log in', 'Accents (é, ü, ñ) survive the round trip', 'Audit entries escape <, > and &'],
  model: 'openai/gpt-4o-mini',
  params: { branch: 'fix/login-apostrophe', reviewer: 'Renée Lévesque', notes: 'Steps: 1. SELECT the failing rows 2. rerun `make test`. Expected: <b>green</b>.'.repeat(4) },
  filter: { status: ['queued', 'running'], phase: 'implement', q: 'login error apostrophe', order: 'priority.desc' },
  links: ['https://example.com/issues/123?tab=activity&page=2', 'https://example.org/docs/auth#quotes'],
  context: { files: ['src/api/routes/login.ts', 'src/store/users.ts', 'test/login.test.ts'], description: 'The handler builds the display name with a template string and passes it to the audit logger; the logger escapes HTML but the SQL layer uses parameters correctly, so the failure is elsewhere. '.repeat(3) },
};
const fieldKinds = {
  workflow: 'identifier', goal: 'prompt', title: 'title', 'tags[]': 'identifier', model: 'identifier', 'params.*': 'text',
  'filter.status[]': 'identifier', 'filter.phase': 'identifier', 'filter.q': 'query', 'filter.order': 'query', 'links[]': 'url',
  'context.files[]': 'path', 'context.description': 'text', 'acceptance[]': 'title',
} as const;
const bodyBytes = Buffer.byteLength(JSON.stringify(body));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function measure(iterations: number, run: () => void): { p50: number; p99: number } {
  for (let index = 0; index < 10_000; index++) run();
  const samples: number[] = [];
  for (let index = 0; index < iterations; index++) {
    const started = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - started) / 1_000);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

const bodyTiming = measure(20_000, () => inspector.inspectObject(body, fieldKinds));
const queryTiming = measure(50_000, () => inspector.inspectValue("O'Brien's rock & roll records", 'query'));

/** CPU time per body (user + system), which other processes on the machine inflate far less than wall time. */
function cpuMicroseconds(iterations: number, run: () => void): number {
  const before = process.cpuUsage();
  for (let index = 0; index < iterations; index++) run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / iterations;
}
const bodyCpu = Math.min(...[1, 2, 3].map(() => cpuMicroseconds(5_000, () => inspector.inspectObject(body, fieldKinds))));

/**
 * The noise floor: a fixed workload of the same character (parsing and re-serialising JSON, which
 * allocates and walks memory as inspection does), repeated to take the body's p50 and measured
 * the same way. Its p99 is what preemption, cache pollution and collection on the machine add to
 * any such task; when it is far above its p50, the body's p99 measures the machine as much as the
 * inspector.
 */
const bodyJson = JSON.stringify(body);
// Accumulated so the copies are not optimised away.
let _copiedCharacters = 0;
function copyJson(rounds: number): void {
  for (let index = 0; index < rounds; index++) _copiedCharacters += JSON.stringify(JSON.parse(bodyJson)).length;
}
let copyRounds = 1;
for (let attempt = 0; attempt < 6; attempt++) {
  const { p50 } = measure(2_000, () => copyJson(copyRounds));
  copyRounds = Math.max(1, Math.round((copyRounds * bodyTiming.p50) / p50));
}
const floorTiming = measure(20_000, () => copyJson(copyRounds));

const corpusDirectory = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const corpusLines = ['attacks/sqli.txt', 'attacks/xss.txt', 'attacks/traversal.txt', 'attacks/cmdi.txt', 'attacks/nosql.txt', 'attacks/proto.txt', 'benign/libinjection-false-positives.txt']
  .flatMap((file) => readFileSync(`${corpusDirectory}${file}`, 'utf8').split('\n').filter(Boolean));
const corpusBytes = corpusLines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
let passes = 0;
const started = performance.now();
while (performance.now() - started < 3_000) {
  for (const line of corpusLines) inspector.inspectValue(line, 'query');
  passes++;
}
const seconds = (performance.now() - started) / 1_000;
const megabytesPerSecond = (corpusBytes * passes) / seconds / 1_000_000;
const linesPerSecond = (corpusLines.length * passes) / seconds;

const rows = [
  [`typical JSON body (${bodyBytes} B, 14 field patterns)`, bodyTiming.p50.toFixed(1), bodyTiming.p99.toFixed(1), `${bodyCpu.toFixed(1)} µs CPU per body`],
  [`noise floor: JSON parse + stringify of the body × ${copyRounds}`, floorTiming.p50.toFixed(1), floorTiming.p99.toFixed(1), '—'],
  ['one query value (29 B)', queryTiming.p50.toFixed(2), queryTiming.p99.toFixed(2), '—'],
  [`corpus as query values (${corpusLines.length} lines, ${(corpusBytes / 1024).toFixed(0)} KiB)`, '—', '—', `${megabytesPerSecond.toFixed(2)} MB/s (${Math.round(linesPerSecond)} values/s)`],
];
const markdown = [
  '## Input inspector',
  '',
  `Machine: ${machine()}. Paranoia 2, block mode. Command: \`npm run bench -- inspect\`.`,
  `Target: p99 ≤ 50 µs for a typical 2 KB JSON body: ${bodyTiming.p99 <= 50 ? 'met' : `not met (${bodyTiming.p99.toFixed(1)} µs)`}. Load average at the end: ${loadavg().map((value) => value.toFixed(1)).join(', ')}. The route-level comparison (API with the hook on and off) is in "Input inspector on a route that writes".`,
  'Latencies are wall time per call over 20,000 calls after 10,000 warm-up calls. The noise-floor row runs a fixed JSON workload about as long as the body\'s p50, measured the same way: the gap between its p50 and p99 is what the machine (preemption by other processes, cache pollution, collection) adds to any such task, not inspector work. CPU time per body is the best of three runs of 5,000.',
  '',
  table(['workload', 'p50 µs', 'p99 µs', 'throughput'], rows),
].join('\n');
recordSection('inspect', markdown);
