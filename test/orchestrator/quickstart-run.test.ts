import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import { startRun } from '../../src/orchestrator/runs.js';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime, waitForRun } from '../helpers/runtime.js';

describe.each(databaseVariants())('a quick-start run on $name', (variant) => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  it('discovers work across three phases and ends with every task final', async () => {
    runtime = await createTestRuntime(variant);
    const definition = parse(await readFile('examples/quickstart.yaml', 'utf8'));
    await registerWorkflow(runtime.db, definition);
    const run = await startRun(runtime.db, { workflow: 'quickstart', goal: 'add a streaming mode', simulated: true });
    runtime.startWorker({ concurrency: 4 });
    expect(await waitForRun(runtime, run.id)).toBe('succeeded');

    const tasks = await runtime.db.query<{ phase: string; status: string; attempt: number }>('SELECT phase, status, attempt FROM tasks WHERE run_id = $1', [run.id]);
    const phases = new Set(tasks.rows.filter((t) => t.status === 'done').map((t) => t.phase));
    expect([...phases].sort()).toEqual(['analyze', 'implement', 'verify']);
    expect(tasks.rows.every((t) => ['done', 'failed', 'cancelled'].includes(t.status))).toBe(true);

    const events = await runtime.db.query<{ type: string; seq: number; payload: Record<string, unknown> }>('SELECT type, seq, payload FROM events WHERE run_id = $1 ORDER BY seq', [run.id]);
    const types = events.rows.map((e) => e.type);
    expect(types).toContain('task.duplicate_returned');
    expect(types).toContain('task.retry_scheduled');
    expect(events.rows.some((e) => e.type === 'memory.searched' && Number(e.payload.found) > 0)).toBe(true);
    expect(events.rows.some((e) => e.type === 'task.created' && e.payload.status === 'blocked')).toBe(true);
    expect(events.rows.some((e) => e.type === 'task.completed' && (e.payload.unblocked as unknown[]).length > 0)).toBe(true);
    // Sequence numbers are gap-free and ordered.
    expect(events.rows.map((e) => Number(e.seq))).toEqual(events.rows.map((_, index) => index + 1));
    expect(types[types.length - 1]).toBe('run.succeeded');
  });
});
