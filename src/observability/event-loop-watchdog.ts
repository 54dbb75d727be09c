import { Worker } from 'node:worker_threads';

/**
 * Ends the process when its event loop stops turning for `stallMs`: a statement that never
 * returns is answered by the pool's timeout, but code that spins on the main thread blocks every
 * timer, every request and /healthz with it, and nothing in the process can notice. The embedded
 * database does this when its disk fills (PGlite spins after PostgreSQL's PANIC on a failed WAL
 * write). A watchdog thread, which keeps running while the main thread is stuck, sees the
 * heartbeat counter stop, writes one line to stderr and kills the process, so a supervisor
 * restarts it (the embedded database then recovers from its WAL) instead of it hanging forever.
 */
export interface EventLoopWatchdog {
  stop(): Promise<void>;
}

const watchdogSource = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const beats = new Int32Array(workerData.buffer);
let last = Atomics.load(beats, 0);
let stalledSince = Date.now();
setInterval(() => {
  const now = Date.now();
  const current = Atomics.load(beats, 0);
  if (current !== last) { last = current; stalledSince = now; return; }
  if (now - stalledSince >= workerData.stallMs) {
    writeSync(2, JSON.stringify({ level: 60, time: now, service: 'anvil', stalledMs: now - stalledSince, msg: 'event loop blocked: exiting so that a supervisor restarts the process' }) + '\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, Math.max(100, Math.floor(workerData.stallMs / 10)));
`;

export function startEventLoopWatchdog({ stallMs }: { stallMs: number }): EventLoopWatchdog {
  const buffer = new SharedArrayBuffer(4);
  const beats = new Int32Array(buffer);
  const heartbeat = setInterval(() => Atomics.add(beats, 0, 1), Math.max(50, Math.floor(stallMs / 20)));
  heartbeat.unref();
  const thread = new Worker(watchdogSource, { eval: true, workerData: { buffer, stallMs } });
  thread.unref();
  return {
    async stop() {
      clearInterval(heartbeat);
      await thread.terminate();
    },
  };
}
