import type { Browser } from 'playwright-core';
import type { Runtime } from '../../src/runtime.js';
import { emitEvents } from './workload.js';

/**
 * What the benchmark watches inside the page, installed before the app's code runs: the time the
 * board first holds `expected` tasks and the paint after it, long main-thread tasks, and the
 * dashboard's paint probe (web/src/perf-probe.ts).
 */
function instrumentation(expected: number) {
  return `
    window.__bench = { longTasks: [], samples: [], boardPaintedAt: undefined };
    new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.__bench.longTasks.push({ start: entry.startTime, duration: entry.duration }); })
      .observe({ type: 'longtask', buffered: true });
    window.__anvilPaintProbe = { record: (sample) => window.__bench.samples.push({ ...sample, paintedAt: Date.now() }) };
    const watch = new MutationObserver(() => {
      const board = document.querySelector('[data-task-count="${expected}"]');
      if (!board) return;
      watch.disconnect();
      requestAnimationFrame(() => setTimeout(() => { window.__bench.boardPaintedAt = performance.now(); }, 0));
    });
    document.addEventListener('DOMContentLoaded', () => watch.observe(document.body, { childList: true, subtree: true, attributes: true }));
  `;
}

interface BenchState {
  longTasks: { start: number; duration: number }[];
  samples: { sinceReceived: number; createdAt?: string; events: number; paintedAt: number }[];
  boardPaintedAt?: number;
}

async function openPage(browser: Browser, url: string, expected: number) {
  // The harness reads the page with evaluated text, which the server's CSP (no eval) would refuse.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  await page.addInitScript(instrumentation(expected));
  await page.goto(url);
  await page.waitForFunction('window.__bench.boardPaintedAt !== undefined', undefined, { timeout: 60_000 });
  return { context, page };
}

export interface RenderTimes {
  /** Navigation start → the board painted with every task. */
  total: number;
  /** Navigation start → the app's script has run (DOMContentLoaded ends). */
  script: number;
  /** Every task read (the page's performance mark) → the board painted: React's render, layout and paint. */
  render: number;
}

export async function measureRender(browser: Browser, url: string, expected: number, rounds: number): Promise<{ median: RenderTimes; max: number }> {
  const times: RenderTimes[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const { context, page } = await openPage(browser, url, expected);
    // Browser-side code is passed as text: the server's tsconfig has no DOM types.
    times.push(
      await page.evaluate<RenderTimes>(`(() => {
        const painted = window.__bench.boardPaintedAt;
        const loaded = performance.getEntriesByName('anvil:run-loaded')[0]?.startTime ?? painted;
        const navigation = performance.getEntriesByType('navigation')[0];
        return { total: painted, script: navigation.domContentLoadedEventEnd, render: painted - loaded };
      })()`),
    );
    await context.close();
  }
  const median = (pick: (times: RenderTimes) => number) => [...times].map(pick).sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  return { median: { total: median((t) => t.total), script: median((t) => t.script), render: median((t) => t.render) }, max: Math.max(...times.map((t) => t.total)) };
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? 0 };
}

export async function measureEvents({ browser, url, runtime, runId, perSecond, seconds }: { browser: Browser; url: string; runtime: Runtime; runId: string; perSecond: number; seconds: number }) {
  const { context, page } = await openPage(browser, url, 1_000);
  await page.getByText('live', { exact: true }).waitFor();
  // Only what happens while events flow counts, not the page's first render.
  const startedAt = await page.evaluate<number>('performance.now()');
  // Chromium's own accounting of main-thread time (seconds), independent of how busy the machine is.
  const devtools = await context.newCDPSession(page);
  await devtools.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await devtools.send('Performance.getMetrics')).metrics.map((metric) => [metric.name, metric.value]));
  const before = await metrics();
  const events = await emitEvents(runtime, runId, perSecond, seconds);
  await page.waitForTimeout(500);
  const after = await metrics();
  const busy = (name: string) => (((after[name] ?? 0) - (before[name] ?? 0)) * 1_000) / seconds;
  const state = await page.evaluate<BenchState>('window.__bench');
  await context.close();
  const samples = state.samples;
  return {
    events,
    samples,
    /** Main-thread milliseconds per second of events: all tasks, then script, layout and style within them. */
    busy: { task: busy('TaskDuration'), script: busy('ScriptDuration'), layout: busy('LayoutDuration'), style: busy('RecalcStyleDuration') },
    longTasks: state.longTasks.filter((task) => task.start >= startedAt).map((task) => task.duration),
    sinceReceived: percentiles(samples.map((sample) => sample.sinceReceived)),
    sinceStored: percentiles(samples.filter((sample) => sample.createdAt).map((sample) => sample.paintedAt - Date.parse(sample.createdAt!))),
  };
}
