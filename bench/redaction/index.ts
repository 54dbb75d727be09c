/**
 * Redaction benchmark: what the value redactor (src/observability/redactor.ts) adds to each log
 * line. One logger writes the same realistic request-log line to a discarding stream, without a
 * redactor and with one holding 5, 20 and 100 secrets (each in its three forms), plus the
 * alternative rejected in redactor.ts, one alternation regex over the same values. Rounds
 * alternate the variants; each figure is the median of the rounds.
 *
 *   npm run bench -- redaction
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pino from 'pino';
import { createLogger } from '../../src/observability/logger.js';
import { createRedactor, type Redactor } from '../../src/observability/redactor.js';
import { machine, recordSection, table } from '../lib/report.js';

const lines = 40_000;
const rounds = 5;
// Synchronous writes to /dev/null: the figure is the logger's own cost, not a stream's buffering.
const sink = () => pino.destination({ dest: '/dev/null', sync: true }) as unknown as NodeJS.WritableStream;

function regexRedactor(values: string[]): Redactor {
  const forms = values.flatMap((value) => [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
  const pattern = new RegExp([...new Set(forms)].sort((a, b) => b.length - a.length).map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return { add() {}, redact: (text) => text.replace(pattern, '[secret]'), size: forms.length };
}

function secretsOf(count: number): string[] {
  return Array.from({ length: count }, () => `sk-${randomBytes(24).toString('base64url')}`);
}

function variant(name: string, redactor: Redactor | undefined) {
  return { name, logger: createLogger({ level: 'info', destination: sink(), redactor }) as pino.Logger };
}

const variants = [variant('no redactor (baseline)', undefined)];
for (const count of [5, 20, 100]) {
  const redactor = createRedactor();
  for (const value of secretsOf(count)) redactor.add(value);
  variants.push(variant(`redactor, ${count} secrets`, redactor));
}
variants.push(variant('alternation regex, 20 secrets (rejected)', regexRedactor(secretsOf(20))));

function measure(logger: pino.Logger): number {
  const start = process.hrtime.bigint();
  for (let index = 0; index < lines; index += 1) {
    logger.info({ reqId: `req-${index}`, req: { method: 'GET', url: '/api/v1/runs/0198c0de-5b7c-7a4e-9c3a-2f1d7e4b9a10/tasks?status=running&limit=50' }, res: { statusCode: 200 }, responseTime: 3.2 }, 'request completed');
  }
  return Number(process.hrtime.bigint() - start) / lines;
}

const samples = new Map<string, number[]>(variants.map((entry) => [entry.name, []]));
for (let round = 0; round < rounds; round += 1) for (const entry of variants) samples.get(entry.name)!.push(measure(entry.logger));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const baseline = median(samples.get(variants[0]!.name)!);
const rows = variants.map((entry) => {
  const perLine = median(samples.get(entry.name)!);
  return [entry.name, (perLine / 1000).toFixed(2), Math.round(1e9 / perLine).toLocaleString('en'), (perLine / baseline).toFixed(2)];
});

console.log(`\n${machine()}\n`);
const markdown = table(['variant', 'µs per line', 'lines/s', 'ratio to baseline'], rows);
recordSection(
  'redaction',
  `## Secret redaction in log lines\n\nRerun: \`npm run bench -- redaction\`. Machine: ${machine()}; load average ${loadavg()[0]!.toFixed(1)} when it finished (a shared machine inflates the absolute figures; compare the ratios).\n\nWorkload: ${lines.toLocaleString('en')} request-log lines (≈ 250 bytes of JSON) per variant per round, ${rounds} rounds alternating the variants, median shown; pino writes synchronously to /dev/null. Each secret is registered in its three forms (as is, JSON-escaped, URL-encoded).\n\n${markdown}\n`,
);
