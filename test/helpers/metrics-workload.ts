import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';

/** The API alone on a free loopback port (no dashboard files: they only slow a start on a busy machine). */
export async function listenApi(runtime: Runtime): Promise<{ app: FastifyInstance; baseUrl: string }> {
  const app = await buildServer({ runtime, dashboard: false });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, baseUrl };
}

/**
 * A workload that makes every part of Anvil report something: the quick start over HTTP to the
 * end (agents, model calls, tasks of every common outcome, cache and database use), a request the
 * input inspector rejects, an unknown route, and a second run left queued (no worker running) so
 * that the queue and budget gauges have something to show.
 */
export async function runQuickstartOverHttp(baseUrl: string, timeoutMs = 90_000): Promise<{ runId: string; status: string }> {
  const upload = await fetch(`${baseUrl}/api/v1/workflows`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml' },
    body: await readFile('examples/quickstart.yaml', 'utf8'),
  });
  if (upload.status !== 201 && upload.status !== 200) throw new Error(`workflow upload answered ${upload.status}: ${await upload.text()}`);
  const runId = await startRun(baseUrl);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const run = (await (await fetch(`${baseUrl}/api/v1/runs/${runId}`)).json()) as { status: string };
    if (['succeeded', 'failed', 'cancelled', 'paused'].includes(run.status)) return { runId, status: run.status };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
}

export async function startRun(baseUrl: string, goal = 'add a streaming mode'): Promise<string> {
  const started = await fetch(`${baseUrl}/api/v1/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow: 'quickstart', goal, params: { component: 'the parser' } }),
  });
  if (started.status !== 201) throw new Error(`run start answered ${started.status}: ${await started.text()}`);
  return ((await started.json()) as { id: string }).id;
}

/** A path parameter the inspector refuses (an identifier field holding SQL) and a route that does not exist. */
export async function sendRejectedAndUnknownRequests(baseUrl: string): Promise<number[]> {
  const rejected = await fetch(`${baseUrl}/api/v1/runs/${encodeURIComponent("1' OR '1'='1")}`);
  const unknown = await fetch(`${baseUrl}/api/v1/no-such-route/${Math.random().toString(36).slice(2)}`);
  return [rejected.status, unknown.status];
}
