import type { ConfigInput } from '../../src/config/index.js';
import { testConfig } from '../../src/config/index.js';
import { createSimulatedModel } from '../../src/llm/providers/simulated.js';
import type { ModelSource } from '../../src/orchestrator/agent/session.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import type { DatabaseVariant } from './databases.js';

/** Models for tests: every name resolves to a simulated model with the given behaviour. */
export function simulatedModels(options: Parameters<typeof createSimulatedModel>[0] = {}): ModelSource {
  const cache = new Map<string, ReturnType<typeof createSimulatedModel>>();
  return {
    defaultModelName: () => 'simulated/agent',
    resolve(name) {
      if (!cache.has(name)) cache.set(name, createSimulatedModel({ ...options, modelId: name.split('/').slice(1).join('/') || 'agent' }));
      return { model: cache.get(name)!, name, simulated: true };
    },
  };
}

export async function createTestRuntime(variant: DatabaseVariant, overrides: ConfigInput = {}, models: ModelSource = simulatedModels()): Promise<Runtime> {
  const config = testConfig({ worker: { retryBaseMs: 20, heartbeatSeconds: 1, leaseSeconds: 5 }, ...overrides });
  const database = await variant.open();
  return createRuntime(config, { database, models });
}

/** Resolves when the run reaches a final (or paused) status; rejects after `timeoutMs`. */
export async function waitForRun(runtime: Runtime, runId: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const result = await runtime.db.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [runId]);
    const status = result.rows[0]?.status;
    if (status && ['succeeded', 'failed', 'cancelled', 'paused'].includes(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${runId} did not finish within ${timeoutMs} ms\n${await describeRun(runtime, runId)}`);
}

/** The run's tasks and last events, so a run that does not finish says where it stopped. */
async function describeRun(runtime: Runtime, runId: string): Promise<string> {
  const tasks = await runtime.db.query<Record<string, unknown>>(
    'SELECT id, phase, status, attempt, worker_id, lease_until, available_at FROM tasks WHERE run_id = $1 ORDER BY created_at',
    [runId],
  );
  const events = await runtime.db.query<Record<string, unknown>>(
    'SELECT seq, type, task_id, payload FROM events WHERE run_id = $1 ORDER BY seq DESC LIMIT 15',
    [runId],
  );
  return `tasks: ${JSON.stringify(tasks.rows)}\nlast events: ${JSON.stringify(events.rows.reverse())}`;
}
