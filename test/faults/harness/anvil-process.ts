import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { serverEntry } from './server-build.js';

/**
 * One real `anvil serve` or `anvil worker` process, run from the compiled server
 * (server-build.ts). `ready` resolves when it logged that it listens (serve) or started (worker); an
 * API node's address is read from that line, so it can listen on port 0.
 */
export interface AnvilProcess {
  kind: 'serve' | 'worker';
  process: ChildProcess;
  pid: number;
  ready: Promise<void>;
  isReady: boolean;
  /** `http://127.0.0.1:PORT` of an API node once ready. */
  baseUrl: string;
  output: string;
  /** SIGKILL (no shutdown hook) or SIGTERM (graceful); resolves on exit with the exit code. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<number | null>;
}

/** Environment shared by every process of a scenario: short timings, simulated model, JSON logs. */
export function faultEnvironment(overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ANVIL_SIMULATED_FAILURE_RATE: '0',
    ANVIL_SIMULATED_SEED: '42',
    ANVIL_LEASE_SECONDS: '3',
    ANVIL_HEARTBEAT_SECONDS: '1',
    ANVIL_SWEEP_INTERVAL_MS: '300',
    ANVIL_POLL_INTERVAL_MS: '100',
    ANVIL_RETRY_BASE_MS: '100',
    ANVIL_DB_CONNECTION_TIMEOUT_MS: '2000',
    ANVIL_LOG_LEVEL: 'info',
    ANVIL_LOG_PRETTY: 'false',
    ANVIL_METRICS_PORT: '0',
    ANVIL_RATE_LIMIT: 'false',
    ANVIL_SHUTDOWN_DEADLINE_MS: '3000',
    ...overrides,
  };
  // Only what the scenario chose: no shared services, no real model keys.
  for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ANVIL_OPENAI_COMPATIBLE_BASE_URL', 'ANVIL_DEFAULT_MODEL', 'ANVIL_CONFIG', 'REDIS_URL', 'DATABASE_URL']) {
    if (!(name in overrides)) delete env[name];
  }
  return env;
}

export interface StartOptions {
  /** `anvil serve` runs workers in its own process too (the embedded database's only mode). */
  withWorkers?: boolean;
  /**
   * Started through a shell that ignores SIGXFSZ, so that a write past a file-size limit
   * (RLIMIT_FSIZE, set with prlimit) fails with EFBIG instead of killing the process.
   */
  ignoreFileSizeSignal?: boolean;
  keepBytes?: number;
}

export function startAnvil(kind: 'serve' | 'worker', env: NodeJS.ProcessEnv, args: string[] = [], { withWorkers = false, ignoreFileSizeSignal = false, keepBytes = 16_384 }: StartOptions = {}): AnvilProcess {
  const commandArgs = kind === 'serve' ? ['serve', ...(withWorkers ? [] : ['--no-workers']), '--port', '0', '--host', '127.0.0.1', ...args] : ['worker', ...args];
  const command = [process.execPath, serverEntry(), ...commandArgs];
  const child = ignoreFileSizeSignal
    ? spawn('bash', ['-c', `trap '' XFSZ; exec "$@"`, 'anvil', ...command], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(command[0]!, command.slice(1), { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let markReady: () => void = () => {};
  const readyLine = kind === 'serve' ? 'Anvil listening on ' : 'worker started';
  const node: AnvilProcess = {
    kind,
    process: child,
    pid: child.pid!,
    ready: new Promise((resolve) => (markReady = resolve)),
    isReady: false,
    baseUrl: '',
    output: '',
    async stop(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
  let pending = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    node.output = (node.output + text).slice(-keepBytes);
    if (node.isReady) return;
    pending += text;
    const index = pending.indexOf(readyLine);
    if (index < 0) return;
    if (kind === 'serve') {
      const match = /Anvil listening on (http:\/\/[\d.]+:\d+)/.exec(pending.slice(index));
      if (!match) return;
      node.baseUrl = match[1]!;
    }
    node.isReady = true;
    pending = '';
    markReady();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return node;
}

/** Waits for every process to be ready, failing with their output after `timeoutMs`. */
export async function allReady(nodes: AnvilProcess[], timeoutMs = 90_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`processes not ready in ${timeoutMs} ms:\n${nodes.filter((node) => !node.isReady).map((node) => `${node.kind} ${node.pid}:\n${node.output}`).join('\n')}`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.all(nodes.map((node) => node.ready)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
