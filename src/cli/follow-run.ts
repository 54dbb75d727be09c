import { describeRun, type RunDescription } from '../orchestrator/run-summary.js';
import { getRun, pauseRun } from '../orchestrator/runs.js';
import type { Runtime } from '../runtime.js';
import { exitCodes } from './context.js';
import { progressLine, runJson, summaryTable } from './progress.js';

const finalStatuses = new Set(['succeeded', 'failed', 'cancelled', 'paused']);

/**
 * Works a run to its end in this process and shows progress: a line that redraws on a terminal,
 * a line per change otherwise (on stderr with --json, so stdout ends with one JSON object).
 * Ctrl-C pauses the run so it can be resumed. Returns the exit code.
 */
export async function followRun(runtime: Runtime, runId: string, { json }: { json: boolean }): Promise<number> {
  const out = json ? process.stderr : process.stdout;
  const redraw = out.isTTY === true;
  let lastLine = '';
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    pauseRun(runtime.db, runId, 'interrupted from the command line').catch(() => {});
  };
  process.on('SIGINT', onInterrupt);

  runtime.startWorker();
  let run: RunDescription = await describeRun(runtime.db, await getRun(runtime.db, runId));
  let wake: (() => void) | undefined;
  const unsubscribe = runtime.bus.subscribe((signal) => {
    if (signal.runId === runId) wake?.();
  });
  try {
    while (!finalStatuses.has(run.status)) {
      const line = progressLine(run);
      if (line !== lastLine) {
        out.write(redraw ? `\r\x1b[2K${line}` : `${line}\n`);
        lastLine = line;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      run = await describeRun(runtime.db, await getRun(runtime.db, runId));
    }
  } finally {
    unsubscribe();
    process.off('SIGINT', onInterrupt);
  }
  if (redraw) out.write('\n');
  // Let sessions still finishing after a pause end cleanly before the summary.
  await runtime.worker?.stop();
  run = await describeRun(runtime.db, await getRun(runtime.db, runId));
  out.write(`${summaryTable(run)}\n`);
  if (run.status === 'paused') out.write(`paused: resume it with  npx --no-install anvil runs resume ${run.id}\n`);
  if (json) process.stdout.write(`${JSON.stringify(runJson(run))}\n`);
  if (run.status === 'succeeded') return exitCodes.ok;
  if (run.status === 'paused') return exitCodes.paused;
  return exitCodes.failed;
}
