import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startRun } from '../../src/orchestrator/runs.js';
import { startFakeUpstream, type FakeUpstream, type UpstreamStep } from '../helpers/fake-llm-upstream.js';
import { awaitOutcome } from './harness/outcome.js';
import { recordScenario } from './harness/report.js';
import { describeStack, scenarioResult, startStack, type Stack } from './harness/stack.js';

/**
 * A provider storm: every model call, the agents' and those of clients streaming through Anvil's
 * OpenAI-compatible endpoint, goes to a local server speaking OpenAI's wire format that answers
 * with a random mix of 429s (with retry-after), 500s, connections reset, streams cut half-way
 * and proper answers. The gateway retries what it can; a session that still fails is retried
 * by the queue. Every run finishes with no task lost or completed twice; every client stream
 * ends, with `[DONE]` or an error event, never a hang or a bare 500.
 */
const stormShare = { rateLimited: 0.3, serverError: 0.1, reset: 0.05, cutStream: 0.1 };

function stormStep(random: () => number): UpstreamStep {
  const roll = random();
  let edge = stormShare.rateLimited;
  if (roll < edge) return { kind: 'status', status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'rate limited', type: 'rate_limit_error' } } };
  if (roll < (edge += stormShare.serverError)) return { kind: 'status', status: 500 };
  if (roll < (edge += stormShare.reset)) return { kind: 'reset' };
  if (roll < (edge += stormShare.cutStream)) return { kind: 'cut-stream' };
  return { kind: 'answer', toolCall: { name: 'complete_task', arguments: JSON.stringify({ summary: 'done in the storm' }) } };
}

interface StreamRecord {
  status: number;
  done: boolean;
  errorEvent: boolean;
  failure?: string;
  /** The body of a 5xx answer, so a failing assertion shows what the server said. */
  errorBody?: string;
}

async function streamChat(baseUrl: string): Promise<StreamRecord> {
  const record: StreamRecord = { status: 0, done: false, errorEvent: false };
  try {
    const response = await fetch(`${baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai-compatible/storm', stream: true, messages: [{ role: 'user', content: `hello ${Math.random()}` }] }),
      signal: AbortSignal.timeout(20_000),
    });
    record.status = response.status;
    const text = await response.text();
    // What a bad status said, so a failure of the test names it.
    if (response.status >= 500) record.errorBody = text.slice(0, 300);
    record.done = text.includes('data: [DONE]');
    record.errorEvent = /"error"\s*:/.test(text) && response.status === 200;
  } catch (error) {
    record.failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return record;
}

describe('a provider storm of 429s, errors and half-finished streams', () => {
  let stack: Stack | undefined;
  let upstream: FakeUpstream | undefined;
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it('retries through it: every run finishes, every client stream ends cleanly', async () => {
    upstream = await startFakeUpstream();
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const steps = Array.from({ length: 5_000 }, () => stormStep(random));
    upstream.script(...steps);
    // A breaker that cools down in 1 s instead of 30: the storm is short, and the breaker's
    // reopening and half-open probes are part of what it exercises.
    const configFile = join(await mkdtemp(join(tmpdir(), 'anvil-storm-')), 'anvil.yaml');
    await writeFile(configFile, 'gateway:\n  breaker:\n    cooldownMs: 1000\n');
    stack = await startStack({
      apis: 1,
      workers: 1,
      concurrency: 6,
      env: { ANVIL_CONFIG: configFile, ANVIL_OPENAI_COMPATIBLE_BASE_URL: upstream.url, ANVIL_OPENAI_COMPATIBLE_API_KEY: 'storm-key', ANVIL_DEFAULT_MODEL: 'openai-compatible/storm' },
    });
    const api = stack.apis[0]!;
    const runIds: string[] = [];
    for (let index = 0; index < 20; index++) runIds.push((await startRun(stack.db, { workflow: 'fault-one-task', goal: `storm ${index}`, simulated: false })).id);
    const streams: StreamRecord[] = [];
    let streaming = true;
    const clients = Array.from({ length: 4 }, async () => {
      while (streaming) {
        streams.push(await streamChat(api.baseUrl));
        await sleep(200);
      }
    });
    const started = Date.now();
    const outcome = await awaitOutcome(stack.db, runIds, 150_000);
    const recoverSeconds = (Date.now() - started) / 1000;
    // The runs may finish within a second, while the breaker is open and every stream is refused:
    // the clients go on until a few streams got through (the breaker's half-open probes) or 30 s.
    const streamDeadline = Date.now() + 30_000;
    while (streams.filter((stream) => stream.done).length < 3 && Date.now() < streamDeadline) await sleep(100);
    streaming = false;
    await Promise.all(clients);

    const sessions = await stack.db.query<{ failed: number; total: number }>("SELECT count(*) FILTER (WHERE status <> 'completed')::int AS failed, count(*)::int AS total FROM agent_sessions");
    const upstreamCalls = upstream.requests.length;
    const bad = streams.filter((stream) => stream.failure !== undefined || (stream.status === 200 && !stream.done && !stream.errorEvent) || stream.status === 500);
    // The upstream served the script in order: its faults among the calls made were all retried
    // through (by the gateway, or by the queue when a session failed), since every run finished.
    const faultsServed = steps.slice(0, upstreamCalls).filter((step) => step.kind !== 'answer').length;
    const notes = `${upstreamCalls} upstream calls, ${faultsServed} of them faults (of the script: 30% 429, 10% 500, 5% reset, 10% cut stream); ${sessions.rows[0]!.failed} of ${sessions.rows[0]!.total} agent sessions failed and were retried; ${streams.filter((stream) => stream.done).length} of ${streams.length} client streams completed; recover = all runs done`;
    const result = scenarioResult('provider storm of 429s and half-finished streams', undefined, outcome, recoverSeconds, notes);
    result.requests = streams.length;
    result.requestsFailed = streams.filter((stream) => !stream.done).length;
    result.requestsFailedBadly = bad.length;
    recordScenario(result);

    expect(faultsServed).toBeGreaterThanOrEqual(10);
    expect(outcome.unfinishedRuns, describeStack(stack)).toEqual([]);
    expect(outcome.tasksLost).toBe(0);
    expect(outcome.tasksCompletedTwice).toBe(0);
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.filter((stream) => stream.done).length).toBeGreaterThan(0);
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
