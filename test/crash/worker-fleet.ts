import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * A fleet of real `anvil worker` processes (run from source through tsx, so no build step is
 * needed) for crash tests: start them, SIGKILL one, start its replacement, and always kill them
 * all at the end. Each worker's id embeds its pid (`host:pid:random`), which is how a test finds
 * the process that holds a lease.
 */
export interface WorkerFleetOptions {
  /** Environment of every worker (DATABASE_URL, timings, simulated model settings). */
  env: NodeJS.ProcessEnv;
  /** Sessions each worker runs at once. */
  concurrency: number;
  /** The repository root (where src/cli/index.ts lives). */
  cwd: string;
  /** Output kept per worker for the failure message. Default 8 KiB. */
  keepBytes?: number;
}

export interface FleetWorker {
  process: ChildProcess;
  pid: number;
  /** Resolves once the worker logged that it started. */
  started: Promise<void>;
  isStarted: boolean;
  output: string;
  /** Lines that reported a database deadlock (the queue's locks are ordered so there are none). */
  deadlocks: number;
}

export class WorkerFleet {
  readonly workers: FleetWorker[] = [];
  readonly exited: FleetWorker[] = [];

  constructor(private readonly options: WorkerFleetOptions) {}

  start(): FleetWorker {
    const { env, concurrency, cwd, keepBytes = 8_192 } = this.options;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'worker', '--concurrency', String(concurrency)], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let markStarted: () => void = () => {};
    const worker: FleetWorker = { process: child, pid: child.pid!, started: new Promise((resolve) => (markStarted = resolve)), isStarted: false, output: '', deadlocks: 0 };
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (!worker.isStarted && text.includes('worker started')) {
        worker.isStarted = true;
        markStarted();
      }
      worker.deadlocks += text.split('deadlock detected').length - 1;
      worker.output = (worker.output + text).slice(-keepBytes);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('exit', () => {
      const index = this.workers.indexOf(worker);
      if (index >= 0) this.workers.splice(index, 1);
      this.exited.push(worker);
    });
    this.workers.push(worker);
    return worker;
  }

  /** SIGKILL: no shutdown hook runs, leases are left to lapse. */
  async kill(worker: FleetWorker): Promise<void> {
    if (worker.process.exitCode !== null || worker.process.signalCode !== null) return;
    const exit = once(worker.process, 'exit');
    worker.process.kill('SIGKILL');
    await exit;
  }

  async killAll(): Promise<void> {
    await Promise.all([...this.workers].map((worker) => this.kill(worker)));
  }

  /** Workers that died on their own (not by our SIGKILL), with their output. */
  crashed(): FleetWorker[] {
    return this.exited.filter((worker) => worker.process.signalCode !== 'SIGKILL');
  }
}

/** The pid inside a worker id `host:pid:random`. */
export function pidOfWorkerId(workerId: string): number {
  const parts = workerId.split(':');
  return Number(parts[parts.length - 2]);
}
