/**
 * Dashboard benchmark, in the Chromium the browser tests drive (Debian's, headless):
 *   1. initial JavaScript, gzipped, from the production build (budget 250 KB);
 *   2. the run page with 1,000 tasks: navigation start to the board painted (budget 1 s), beside
 *      the same page for a 10-task run measured in the same run;
 *   3. 50 events/s for 20 s into that page over the real SSE stream: main-thread tasks over 50 ms
 *      (PerformanceObserver "longtask"; budget none) and event-to-paint latency (budget p95 ≤ 100 ms),
 *      beside the same page idle for as long.
 *
 *   npm run bench -- dashboard            (ANVIL_CHROMIUM or chromium on PATH)
 *   npm run bench -- dashboard --quick    (fewer rounds, 5 s of events; prints, records nothing)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { buildServer } from '../../src/api/index.js';
import { chromiumPath } from '../../test/helpers/services.js';
import { launchChromium } from '../../test/e2e/chromium.js';
import { machine, recordSection, table } from '../lib/report.js';
import { initialJavaScript } from './bundle.js';
import { measureEvents, measureRender } from './page.js';
import { createBenchRun, openBenchRuntime } from './workload.js';

const quick = process.argv.includes('--quick');
const rounds = quick ? 2 : 5;
const eventSeconds = quick ? 5 : 20;
const eventsPerSecond = 50;

const executable = chromiumPath();
if (!executable) {
  console.error('chromium not found: install Debian’s chromium package or set ANVIL_CHROMIUM');
  process.exit(2);
}

const outDir = mkdtempSync(join(tmpdir(), 'anvil-dashboard-bench-'));
await build({ configFile: 'web/vite.config.ts', mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
const bundle = initialJavaScript(outDir);

const runtime = await openBenchRuntime();
const app = await buildServer({ runtime, dashboard: { directory: outDir } });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium(executable);
const playwrightVersion = (JSON.parse(readFileSync('node_modules/playwright-core/package.json', 'utf8')) as { version: string }).version;
const versions = `${browser.version()}, playwright-core ${playwrightVersion}`;

const loadBefore = loadavg()[0]!;
try {
  const small = await createBenchRun(runtime, 10);
  const large = await createBenchRun(runtime, 1_000);
  const smallRender = await measureRender(browser, `${base}/runs/${small}`, 10, rounds);
  const largeRender = await measureRender(browser, `${base}/runs/${large}`, 1_000, rounds);
  const idle = await measureEvents({ browser, url: `${base}/runs/${large}`, runtime, runId: large, perSecond: 0, seconds: eventSeconds });
  const busy = await measureEvents({ browser, url: `${base}/runs/${large}`, runtime, runId: large, perSecond: eventsPerSecond, seconds: eventSeconds });

  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const rows: (string | number)[][] = [
    ['initial JavaScript, gzipped', kb(bundle.gzipBytes), '≤ 250 KB', (bundle.gzipBytes / (250 * 1024)).toFixed(2), verdict(bundle.gzipBytes <= 250 * 1024)],
    ['run page, 10 tasks: navigation → board painted (median)', ms(smallRender.median.total), '(baseline)', '1.00', ''],
    ['run page, 1,000 tasks: navigation → board painted (median)', ms(largeRender.median.total), '< 1,000 ms', `${(largeRender.median.total / smallRender.median.total).toFixed(2)}× baseline`, verdict(largeRender.median.total < 1_000)],
    ['… of which the app script loaded and ran (10 / 1,000 tasks)', `${ms(smallRender.median.script)} / ${ms(largeRender.median.script)}`, '', '', ''],
    ['… of which all tasks read → board painted (10 / 1,000 tasks)', `${ms(smallRender.median.render)} / ${ms(largeRender.median.render)}`, '', `${(largeRender.median.render / smallRender.median.render).toFixed(2)}× baseline`, ''],
    ['run page, 1,000 tasks: slowest of the rounds', ms(largeRender.max), '< 1,000 ms', '', verdict(largeRender.max < 1_000)],
    [`idle ${eventSeconds} s: main-thread tasks > 50 ms`, idle.longTasks.length, '(baseline)', '', ''],
    [`${eventsPerSecond} events/s for ${eventSeconds} s: main-thread tasks > 50 ms (longest)`, `${busy.longTasks.length} (${ms(Math.max(0, ...busy.longTasks))})`, '0', '', verdict(busy.longTasks.length === 0)],
    [`${eventsPerSecond} events/s: events delivered / renders`, `${busy.events} / ${busy.samples.length}`, '', '', ''],
    [
      'main-thread time per second, idle / 50 events/s (script · layout · style)',
      `${ms(idle.busy.task)} / ${ms(busy.busy.task)} (${ms(busy.busy.script)} · ${ms(busy.busy.layout)} · ${ms(busy.busy.style)})`,
      '',
      '',
      '',
    ],
    [`${eventsPerSecond} events/s: arrival in page → paint, p50 / p95 / max`, `${ms(busy.sinceReceived.p50)} / ${ms(busy.sinceReceived.p95)} / ${ms(busy.sinceReceived.max)}`, 'p95 ≤ 100 ms', '', verdict(busy.sinceReceived.p95 <= 100)],
    [`${eventsPerSecond} events/s: stored by the server → paint, p50 / p95 / max`, `${ms(busy.sinceStored.p50)} / ${ms(busy.sinceStored.p95)} / ${ms(busy.sinceStored.max)}`, '', '', ''],
  ];
  const load = `1-minute load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`;
  console.log(`\nDashboard benchmark on ${machine()}; ${versions}; ${load}\n`);
  const markdown = table(['measure', 'result', 'target', 'ratio', ''], rows);

  if (!quick) recordSection(
    'dashboard',
    `## Dashboard

Rerun: \`npm run bench -- dashboard\` (\`--quick\` for a smoke run). Machine: ${machine()}, ${load}. Browser: Chromium ${versions}, headless, with the flags the browser tests use.

Workload: the production build of web/ served by \`anvil serve\`'s server (PGlite, no workers, so tasks stay where the benchmark puts them). A 1,000-task run over three phases, each task created by an earlier one (a discovery tree about five levels deep), and a 10-task run as the baseline. Render: navigation start to the first paint after the board holds every task (the board snapshot — every task in one page — the run and its recent events read side by side, then rendered), median of ${rounds} fresh pages. Events: the run page of the 1,000-task run, with the server appending ${eventsPerSecond} task events per second (claimed, then completed, on random tasks) for ${eventSeconds} s; each reaches the page over the real SSE stream. Long tasks come from PerformanceObserver; "paint" is the first task after the next animation frame once the render showing a batch has committed; batches are rendered as React transitions. Bundle: the module script and its preloads from index.html, gzip level 9 (CSS, ${kb(bundle.cssGzipBytes)} gzipped, is not counted).

${markdown}

Events are applied once per animation frame however many arrive, and the board's columns, the discovery tree and the feed are windowed, so a frame's work does not grow with the run. The machine's two cores are shared with the server under test and, when this was measured, with other work (the load average above): main-thread times are wall-clock, so a busier machine stretches them, and the long-task count in particular moves with the load from run to run.`,
  );
} finally {
  await browser.close();
  await app.close();
  await runtime.close();
  rmSync(outDir, { recursive: true, force: true });
}
