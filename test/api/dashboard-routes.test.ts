import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime } from '../helpers/runtime.js';

describe.each(databaseVariants())('what the dashboard reads, on $name', (variant) => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let directory: string;
  let runId: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'anvil-dashboard-files-'));
    mkdirSync(join(directory, 'assets'));
    writeFileSync(join(directory, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(directory, 'assets', 'index-abc123.js'), 'console.log(1)');
    runtime = await createTestRuntime(variant);
    app = await buildServer({ runtime, dashboard: { directory } });
    await app.inject({ method: 'POST', url: '/api/v1/workflows', headers: { 'content-type': 'application/yaml' }, payload: await readFile('examples/quickstart.yaml', 'utf8') });
    runId = (await app.inject({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart', goal: 'history' } })).json().id;
    for (const title of ['one', 'two', 'three']) await app.inject({ method: 'POST', url: `/api/v1/runs/${runId}/tasks`, payload: { phase: 'implement', title } });
  });

  afterAll(async () => {
    await app.close();
    await runtime.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves index.html at / and at any page path, revalidated; hashed assets as immutable', async () => {
    for (const url of ['/', '/runs/123', '/tasks/abc?x=1', '/settings']) {
      const response = await app.inject({ url });
      expect([url, response.statusCode, response.headers['content-type']]).toEqual([url, 200, 'text/html; charset=utf-8']);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
    const asset = await app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('keeps JSON 404s for API paths, machine paths and missing files', async () => {
    for (const url of ['/api/v1/nothing', '/v1/unknown', '/assets/missing.js', '/favicon.ico']) {
      const response = await app.inject({ url });
      expect([url, response.statusCode, response.json().error.code]).toEqual([url, 404, 'NOT_FOUND']);
    }
    expect((await app.inject({ method: 'POST', url: '/runs/123' })).statusCode).toBe(404);
  });

  it('answers a run’s latest events oldest first with its last seq, and pages back with before', async () => {
    const latest = (await app.inject({ url: `/api/v1/runs/${runId}/events/history?limit=2` })).json() as { last_seq: number; events: { seq: number; type: string }[] };
    expect(latest.last_seq).toBeGreaterThanOrEqual(4);
    expect(latest.events.map((event) => event.seq)).toEqual([latest.last_seq - 1, latest.last_seq]);
    const older = (await app.inject({ url: `/api/v1/runs/${runId}/events/history?before=${latest.last_seq - 1}&limit=500` })).json() as { events: { seq: number; type: string }[] };
    expect(older.events.map((event) => event.seq)).toEqual(Array.from({ length: latest.last_seq - 2 }, (_, index) => index + 1));
    expect(older.events[0]!.type).toBe('run.started');
    expect((await app.inject({ url: '/api/v1/runs/00000000-0000-4000-8000-000000000000/events/history' })).json().error.code).toBe('RUN_NOT_FOUND');
  });

  it('reads the board with the seq it reflects, in pages, the seq read before the tasks', async () => {
    const before = (await app.inject({ url: `/api/v1/runs/${runId}/events/history?limit=1` })).json() as { last_seq: number };
    const first = (await app.inject({ url: `/api/v1/runs/${runId}/board?limit=2` })).json() as { last_seq: number; tasks: { id: string }[]; next_cursor: string | null };
    expect(first.last_seq).toBe(before.last_seq);
    expect(first.tasks).toHaveLength(2);
    const rest = (await app.inject({ url: `/api/v1/runs/${runId}/board?cursor=${first.next_cursor}` })).json() as { tasks: { id: string }[]; next_cursor: string | null };
    expect(rest.next_cursor).toBeNull();
    const all = [...first.tasks, ...rest.tasks].map((task) => task.id);
    expect(new Set(all).size).toBe(4);
    expect((await app.inject({ url: `/api/v1/runs/${runId}/board?limit=2001` })).statusCode).toBe(400);
    expect((await app.inject({ url: `/api/v1/runs/${runId}/board?cursor=nonsense` })).json().error.code).toBe('VALIDATION_FAILED');
  });

  it('sums spend, savings and cache hits per period, model and kind', async () => {
    const insert = `INSERT INTO llm_calls (run_id, provider, model, kind, cost_usd, saved_usd, cache_hit, created_at) VALUES ($1, 'openai', $2, $3, $4, $5, $6, $7)`;
    const rows: [string, string, number, number, boolean, string][] = [
      ['openai/gpt-4o-mini', 'planning', 0.5, 0, false, '2026-03-01T10:15:00Z'],
      ['openai/gpt-4o-mini', 'planning', 0, 0.5, true, '2026-03-01T10:45:00Z'],
      ['openai/gpt-4o-mini', 'code', 0.25, 0, false, '2026-03-01T11:05:00Z'],
      ['anthropic/claude-x', 'code', 1, 0, false, '2026-03-02T09:00:00Z'],
    ];
    for (const [model, kind, cost, saved, hit, at] of rows) await runtime.db.query(insert, [runId, model, kind, cost, saved, hit, at]);
    const daily = (await app.inject({ url: `/api/v1/costs/series?since=2026-03-01&until=2026-03-03&run=${runId}` })).json() as { bucket: string; rows: Record<string, unknown>[] };
    expect(daily.bucket).toBe('day');
    expect(daily.rows).toEqual([
      { period: '2026-03-01T00:00Z', model: 'openai/gpt-4o-mini', kind: 'code', calls: 1, cost_usd: 0.25, saved_usd: 0, cache_hits: 0 },
      { period: '2026-03-01T00:00Z', model: 'openai/gpt-4o-mini', kind: 'planning', calls: 2, cost_usd: 0.5, saved_usd: 0.5, cache_hits: 1 },
      { period: '2026-03-02T00:00Z', model: 'anthropic/claude-x', kind: 'code', calls: 1, cost_usd: 1, saved_usd: 0, cache_hits: 0 },
    ]);
    const hourly = (await app.inject({ url: `/api/v1/costs/series?since=2026-03-01&until=2026-03-02&bucket=hour` })).json() as { rows: { period: string }[] };
    expect(hourly.rows.map((row) => row.period)).toEqual(['2026-03-01T10:00Z', '2026-03-01T11:00Z']);
    expect((await app.inject({ url: '/api/v1/costs/series?bucket=week' })).statusCode).toBe(400);
  });
});
