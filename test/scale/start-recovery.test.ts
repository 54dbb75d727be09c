import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/index.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { claimTask } from '../../src/store/queue/index.js';
import { startTestRun } from '../helpers/fixtures.js';
import { listen } from '../helpers/http.js';
import { simulatedModels } from '../helpers/runtime.js';

/**
 * Every mode recovers at start: a process that died holding a lease on the embedded database
 * (only one process can open the folder, so nobody else can hold it) leaves tasks `running`;
 * the next start returns them to the queue at once, without waiting out the lease.
 */
describe('start-up recovery and the lifecycle', () => {
  const folders: string[] = [];
  const runtimes: Runtime[] = [];
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((runtime) => runtime.close({ deadlineMs: 1_000 })));
    await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  });

  async function open(dataDir: string): Promise<Runtime> {
    const runtime = await createRuntime(testConfig({ database: { dataDir } }), { models: simulatedModels() });
    runtimes.push(runtime);
    return runtime;
  }

  it('returns a task left running by a dead process on the PGlite folder to the queue at start', { timeout: 90_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'anvil-recovery-'));
    folders.push(dataDir);
    const first = await open(dataDir);
    await startTestRun(first.db);
    const task = (await claimTask(first.db, { workerId: 'gone:1:abc', leaseSeconds: 3_600 }))!;
    // The process "dies": its lease (an hour) is still in the future when the next one starts.
    await first.close({ deadlineMs: 100 });
    runtimes.splice(runtimes.indexOf(first), 1);

    const second = await open(dataDir);
    const row = await second.db.query<{ status: string; lease_until: Date | null }>('SELECT status, lease_until FROM tasks WHERE id = $1', [task.id]);
    expect(row.rows[0]).toMatchObject({ status: 'queued', lease_until: null });
    const events = await second.db.query<{ type: string }>('SELECT type FROM events WHERE task_id = $1 ORDER BY seq', [task.id]);
    expect(events.rows.map((event) => event.type)).toContain('task.lease_expired');
  });

  it('answers /readyz 503 draining with Retry-After once shutdown begins, and ends event streams', async () => {
    const runtime = await open('memory://');
    const { app, baseUrl } = await listen(runtime);
    try {
      const run = await startTestRun(runtime.db);
      expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
      const stream = await fetch(`${baseUrl}/api/v1/runs/${run.id}/events`);
      expect(stream.status).toBe(200);
      const reading = stream.text();
      runtime.lifecycle.drain();
      // The stream closes without an `end` event: the client is to reconnect elsewhere.
      const body = await reading;
      expect(body).toContain('event: run.started');
      expect(body).not.toContain('event: end');
      const ready = await fetch(`${baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('2');
      expect(await ready.json()).toMatchObject({ status: 'draining', database: 'ok' });
    } finally {
      await app.close();
    }
  });
});
