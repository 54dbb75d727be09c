import { readFile } from 'node:fs/promises';
import { APICallError } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import type { ModelSource } from '../../src/orchestrator/agent/session.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import { startRun } from '../../src/orchestrator/runs.js';
import type { Runtime } from '../../src/runtime.js';
import { createApiKey } from '../../src/security/keys/index.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime, simulatedModels, waitForRun } from '../helpers/runtime.js';

/**
 * Agents' model calls and the workflow: ordered fallback models (the phase's list replaces the
 * workflow's, and both come before gateway.fallbacks), and the tenant (the API key that started
 * the run, whose daily budget then covers the run's agent calls).
 */
const [variant] = databaseVariants();

/** Every name is simulated, except `openai-compatible/down`, which always answers 503. */
function modelsWithOneDown(): { models: ModelSource; downCalls: () => number } {
  const simulated = simulatedModels({ failureRate: 0 });
  const down = new MockLanguageModelV3({
    provider: 'openai-compatible',
    modelId: 'down',
    doGenerate: async () => {
      throw new APICallError({ message: 'service unavailable', url: 'http://upstream.test/v1/chat/completions', requestBodyValues: {}, statusCode: 503, isRetryable: true });
    },
  });
  return {
    models: {
      defaultModelName: () => 'simulated/agent',
      resolve: (name) => (name === 'openai-compatible/down' ? { model: down, name, simulated: false } : simulated.resolve(name)),
    },
    downCalls: () => down.doGenerateCalls.length,
  };
}

interface LooseWorkflow {
  model?: string;
  fallback_models?: readonly string[];
  phases: { fallback_models?: readonly string[] }[];
}

async function quickstart(changes: (definition: LooseWorkflow) => void): Promise<LooseWorkflow> {
  const definition = parse(await readFile('examples/quickstart.yaml', 'utf8')) as LooseWorkflow;
  changes(definition);
  return definition;
}

describe('agent calls in a workflow', () => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await runtime?.close();
    app = undefined;
    runtime = undefined;
  });

  it('fall back in the order the phase gives, else the workflow’s, before gateway.fallbacks', async () => {
    const { models, downCalls } = modelsWithOneDown();
    runtime = await createTestRuntime(
      variant!,
      { gateway: { retry: { maxRetries: 0 }, breaker: { failureThreshold: 1_000 }, fallbacks: { 'openai-compatible/down': ['simulated/configured'] } } },
      models,
    );
    await registerWorkflow(
      runtime.db,
      await quickstart((definition) => {
        definition.model = 'openai-compatible/down';
        definition.fallback_models = ['simulated/workflow-first', 'simulated/workflow-second'];
        definition.phases[2]!.fallback_models = ['simulated/verify-first'];
      }),
    );
    const run = await startRun(runtime.db, { workflow: 'quickstart', goal: 'fall back', simulated: true });
    runtime.startWorker({ concurrency: 2 });
    expect(await waitForRun(runtime, run.id)).toBe('succeeded');
    await runtime.worker!.stop();
    await runtime.gateway.ledger.flush();

    const calls = await runtime.db.query<{ phase: string; model: string; calls: number }>(
      `SELECT t.phase, c.model, count(*)::int AS calls FROM llm_calls c JOIN tasks t ON t.id = c.task_id
       WHERE c.run_id = $1 AND c.kind = 'agent-step' AND c.error IS NULL GROUP BY t.phase, c.model ORDER BY t.phase, c.model`,
      [run.id],
    );
    const byPhase = new Map<string, string[]>();
    for (const row of calls.rows) byPhase.set(row.phase, [...(byPhase.get(row.phase) ?? []), row.model]);
    // The first fallback of each list answered every call; the later ones and the configured
    // fallback were never needed; the model that is down was asked every time first.
    expect(byPhase.get('analyze')).toEqual(['simulated/workflow-first']);
    expect(byPhase.get('implement')).toEqual(['simulated/workflow-first']);
    expect(byPhase.get('verify')).toEqual(['simulated/verify-first']);
    const answered = calls.rows.reduce((sum, row) => sum + row.calls, 0);
    expect(downCalls()).toBe(answered);
  }, 120_000);

  it('rejects a fallback list that repeats a model or names no provider, naming the field', async () => {
    runtime = await createTestRuntime(variant!);
    app = await buildServer({ runtime, dashboard: false });
    for (const [fallbacks, message] of [
      [['simulated/a', 'simulated/a'], 'expected each fallback model once'],
      [['gpt-4o'], 'expected provider/model'],
    ] as const) {
      const definition = await quickstart((workflow) => {
        workflow.phases[1]!.fallback_models = fallbacks;
      });
      const response = await app.inject({ method: 'POST', url: '/api/v1/workflows', remoteAddress: '127.0.0.1', payload: definition });
      expect(response.statusCode).toBe(400);
      expect(JSON.stringify(response.json().error)).toContain('phases[1].fallback_models');
      expect(JSON.stringify(response.json().error)).toContain(message);
    }
  });

  it('bill a run’s agent calls to the API key that started it, under that key’s daily budget', async () => {
    runtime = await createTestRuntime(variant!, { llm: { simulated: { failureRate: 0 } } });
    app = await buildServer({ runtime, dashboard: false });
    await registerWorkflow(runtime.db, await quickstart(() => {}));
    // A simulated agent step costs about $0.00017; a reservation estimates more, so a few fit.
    const capped = await createApiKey(runtime.db, { name: 'capped', scopes: ['runs:write', 'runs:read'], dailyBudgetUsd: 0.001 });
    const started = await app.inject({ method: 'POST', url: '/api/v1/runs', headers: { 'x-api-key': capped.key }, payload: { workflow: 'quickstart', goal: 'spend on my key' } });
    expect(started.statusCode).toBe(201);
    expect(started.json().tenant).toBe(capped.view.id);
    // The positive control: a run started without a key is billed to `local`, which has no cap.
    const local = await startRun(runtime.db, { workflow: 'quickstart', goal: 'spend locally', simulated: true });
    expect(local.tenant).toBe('local');

    runtime.startWorker({ concurrency: 1 });
    expect(await waitForRun(runtime, started.json().id)).toBe('paused');
    expect(await waitForRun(runtime, local.id)).toBe('succeeded');
    await runtime.worker!.stop();
    await runtime.gateway.ledger.flush();

    const tenants = await runtime.db.query<{ run_id: string; tenant: string; errors: number; calls: number }>(
      `SELECT run_id, tenant, count(*) FILTER (WHERE error = 'BUDGET_EXCEEDED')::int AS errors, count(*)::int AS calls FROM llm_calls WHERE kind = 'agent-step' GROUP BY run_id, tenant`,
    );
    expect(tenants.rows.find((row) => row.run_id === started.json().id)).toMatchObject({ tenant: capped.view.id, errors: 1 });
    expect(tenants.rows.find((row) => row.run_id === local.id)).toMatchObject({ tenant: 'local', errors: 0 });
    const { rows: [paused] } = await runtime.db.query<{ status_reason: string }>('SELECT status_reason FROM runs WHERE id = $1', [started.json().id]);
    expect(paused!.status_reason).toContain(`tenant ${capped.view.id} budget exhausted`);
  }, 120_000);
});
