import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/index.js';
import type { Runtime } from '../src/runtime.js';
import { databaseVariants } from './helpers/databases.js';
import { createTestRuntime, waitForRun } from './helpers/runtime.js';

/** A loopback port nobody listens on: bound once to learn a free number, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the quick start with REDIS_URL pointing at a port where nothing listens', () => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  let folder: string | undefined;
  afterEach(async () => {
    await app?.close();
    await runtime?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
    app = runtime = folder = undefined;
  });

  it('`anvil run examples/quickstart.yaml` succeeds and exits 0', async () => {
    folder = await mkdtemp(join(tmpdir(), 'anvil-redis-down-'));
    const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: `redis://127.0.0.1:${await deadPort()}`, ANVIL_DATA_DIR: join(folder, 'data'), ANVIL_LOG_LEVEL: 'warn', ANVIL_LOG_PRETTY: 'false' };
    delete env.DATABASE_URL; // the quick start's embedded database
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'run', 'examples/quickstart.yaml', '--goal', 'add a streaming mode', '--json'], {
      env,
      timeout: 120_000,
    });
    // execFile rejects on a non-zero exit. Log lines (JSON too) may land on either side of the
    // summary, so it is found by its run_id.
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = lines.find((line) => 'run_id' in line);
    expect(summary?.status).toBe('succeeded');
    expect(stdout + stderr).toContain('Redis unreachable at start, serving from memory');
  }, 150_000);

  it.each(databaseVariants())('serves the run over HTTP on $name, /readyz 200 with the cache degraded, cached reads from memory', async (variant) => {
    runtime = await createTestRuntime(variant, { redis: { url: `redis://127.0.0.1:${await deadPort()}` } });
    app = await buildServer({ runtime });

    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', database: 'ok', cache: 'degraded' });

    const upload = await app.inject({ method: 'POST', url: '/api/v1/workflows', headers: { 'content-type': 'application/yaml' }, payload: await readFile('examples/quickstart.yaml', 'utf8') });
    expect(upload.statusCode).toBe(201);
    const started = await app.inject({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart', goal: 'add a streaming mode' } });
    expect(started.statusCode).toBe(201);
    const runId = started.json<{ id: string }>().id;
    runtime.startWorker({ concurrency: 4 });
    expect(await waitForRun(runtime, runId)).toBe('succeeded');

    // The entry is written and read through the memory fallback.
    let summary = await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}` });
    for (let attempt = 0; summary.json<{ status: string }>().status !== 'succeeded' && attempt < 40; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      summary = await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}` });
    }
    expect(summary.json<{ status: string }>().status).toBe('succeeded');
    const again = await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}` });
    expect(again.headers['x-anvil-response-cache']).toBe('hit');
    expect(again.body).toBe(summary.body);

    const status = await app.inject({ method: 'GET', url: '/api/v1/system/status' });
    expect(status.json<{ cache: string }>().cache).toBe('degraded');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  }, 120_000);
});
