import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A redis-server of the test's own on a free port, so stopping, pausing or killing its clients
 * disturbs no other suite. Persistence is off; `stop()` then `start()` reuses the port.
 */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  /** SIGKILL: the abrupt outage (no FIN from a clean shutdown is guaranteed to reach clients first). */
  stop(): Promise<void>;
  /** Runs a redis-cli command against the server (CLIENT PAUSE, CLIENT KILL, …). */
  cli(...args: string[]): Promise<string>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
        stdio: 'ignore',
      });
      child.on('error', (error) => {
        throw new Error(`redis-server could not start (is it installed?): ${error.message}`);
      });
      const deadline = Date.now() + 5_000;
      for (;;) {
        try {
          if ((await redis.cli('PING')).trim() === 'PONG') return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`private redis-server on port ${port} did not answer PING within 5 s`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      const current = child;
      child = undefined;
      if (!current || current.exitCode !== null) return;
      const exited = new Promise((resolve) => current.once('exit', resolve));
      current.kill('SIGKILL');
      await exited;
    },
    async cli(...args) {
      const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 2_000 });
      return stdout;
    },
  };
  await redis.start();
  return redis;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
