import { generateText, Output, stepCountIs, streamText, tool, type ToolSet } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSimulatedModel, type SimulatedModelOptions } from './simulated.js';

const phases = ['analyze', 'implement', 'verify'];

function system(overrides: Record<string, unknown> = {}): string {
  const context = { run_id: 'run-1', task_id: 'task-1', attempt: 1, max_attempts: 3, phase: 'analyze', phases, title: 'Add rate limiting to the public API', depth: 0, max_depth: 6, ...overrides };
  return `You are an agent.\n<anvil-context>${JSON.stringify(context)}</anvil-context>`;
}

interface Call { toolName: string; input: Record<string, unknown> }

/** Stub tools that answer like the orchestrator would; create_task hands out fresh ids. */
function stubTools(only?: string[]): ToolSet {
  let created = 0;
  const ok = async (): Promise<{ ok: true }> => ({ ok: true });
  const all: ToolSet = {
    search_memory: tool({ inputSchema: z.object({ query: z.string(), limit: z.number().optional() }), execute: async () => ({ memories: [{ id: 'm1', kind: 'discovery', text: 'earlier note', rank: 1 }] }) }),
    save_memory: tool({ inputSchema: z.object({ kind: z.string(), text: z.string(), tags: z.array(z.string()).optional() }), execute: async () => ({ memory_id: 'm2' }) }),
    create_task: tool({ inputSchema: z.object({ phase: z.string(), title: z.string() }).passthrough(), execute: async () => ({ task_id: `new-${++created}`, status: 'queued', duplicate: false }) }),
    complete_task: tool({ inputSchema: z.object({ summary: z.string() }).passthrough(), execute: ok }),
    fail_task: tool({ inputSchema: z.object({ reason: z.string(), retryable: z.boolean().optional() }), execute: ok }),
    submit_result: tool({ inputSchema: z.object({ summary: z.string() }).passthrough(), execute: ok }),
  };
  return only ? Object.fromEntries(Object.entries(all).filter(([name]) => only.includes(name))) : all;
}

async function drive(overrides: Record<string, unknown> = {}, options: SimulatedModelOptions = {}, only?: string[]) {
  const result = await generateText({ model: createSimulatedModel(options), system: system(overrides), prompt: 'Work on the task.', tools: stubTools(only), stopWhen: stepCountIs(20) });
  const calls: Call[] = result.steps.flatMap((step) => step.toolCalls.map((call) => ({ toolName: call.toolName, input: call.input as Record<string, unknown> })));
  return { result, calls };
}

const taskIds = Array.from({ length: 40 }, (_, index) => `task-${index}`);

describe('createSimulatedModel as an agent', () => {
  it('is a v3 language model of provider simulated', () => {
    const model = createSimulatedModel({ modelId: 'guardian' });
    expect(model).toMatchObject({ specificationVersion: 'v3', provider: 'simulated', modelId: 'guardian' });
  });

  it('searches memory with the title key words, then saves a discovery that names them', async () => {
    const { calls } = await drive();
    expect(calls[0]).toEqual({ toolName: 'search_memory', input: { query: 'rate limiting public api', limit: 5 } });
    expect(calls[1]!.toolName).toBe('save_memory');
    expect(calls[1]!.input.kind).toBe('discovery');
    expect(calls[1]!.input.text).toMatch(/^\[simulated\].*rate, limiting, public, api/);
  });

  it('proposes at most three follow-ups, only in later phases, and none in the last phase or past max depth', async () => {
    for (const [phase, allowed] of [['analyze', ['implement', 'verify']], ['implement', ['verify']], ['verify', []]] as const) {
      let proposed = 0;
      for (const task_id of taskIds) {
        const creates = (await drive({ task_id, phase })).calls.filter((call) => call.toolName === 'create_task');
        expect(creates.length).toBeLessThanOrEqual(3);
        for (const call of creates) expect(allowed).toContain(call.input.phase);
        proposed += creates.length;
      }
      if (allowed.length > 0) expect(proposed).toBeGreaterThan(0);
    }
    for (const task_id of taskIds.slice(0, 10)) {
      const { calls } = await drive({ task_id, depth: 6, max_depth: 6 });
      expect(calls.some((call) => call.toolName === 'create_task')).toBe(false);
    }
  });

  it('names the task id returned by its previous create_task, and its own task, in depends_on', async () => {
    const dependent: Array<{ call: Call; expected: string[] }> = [];
    for (const task_id of taskIds) {
      const creates = (await drive({ task_id })).calls.filter((call) => call.toolName === 'create_task');
      creates.forEach((call, index) => call.input.depends_on && dependent.push({ call, expected: [`new-${index}`, task_id] }));
    }
    expect(dependent.length).toBeGreaterThan(0);
    for (const { call, expected } of dependent) expect(call.input.depends_on).toEqual(expected);
  });

  it('reports a retryable failure instead of completing, but never on the last allowed attempt', async () => {
    const first = await drive({ attempt: 1 }, { failureRate: 1 });
    expect(first.calls.at(-1)).toEqual({ toolName: 'fail_task', input: { reason: 'simulated transient failure', retryable: true } });
    expect(first.calls.some((call) => call.toolName === 'complete_task')).toBe(false);
    const last = await drive({ attempt: 3 }, { failureRate: 1 });
    expect(last.calls.at(-1)!.toolName).toBe('complete_task');
    for (const task_id of taskIds) {
      expect((await drive({ task_id }, { failureRate: 0 })).calls.some((call) => call.toolName === 'fail_task')).toBe(false);
    }
  });

  it('sometimes submits a result before completing, in the last phase only', async () => {
    const submittedIn = async (phase: string): Promise<number> => {
      let count = 0;
      // Choices hang on the title (not the task id), so vary the title.
      for (const [index, task_id] of taskIds.entries()) {
        count += (await drive({ task_id, phase, title: `Check part ${index} of the work` }, { failureRate: 0 })).calls.filter((call) => call.toolName === 'submit_result').length;
      }
      return count;
    };
    expect(await submittedIn('verify')).toBeGreaterThan(0);
    expect(await submittedIn('verify')).toBeLessThan(taskIds.length);
    expect(await submittedIn('analyze')).toBe(0);
  });

  it('completes with a labelled summary and then ends with a short labelled text', async () => {
    const { result, calls } = await drive({}, { failureRate: 0 });
    expect(String(calls.at(-1)!.input.summary)).toMatch(/^\[simulated\] Completed "Add rate limiting/);
    expect(result.finishReason).toBe('stop');
    expect(result.text).toMatch(/^\[simulated\] Done/);
    expect(result.steps.every((step) => step.text.startsWith('[simulated]'))).toBe(true);
  });

  it('skips behaviour whose tool is not offered', async () => {
    const { calls } = await drive({}, { failureRate: 1 }, ['complete_task']);
    expect(calls.map((call) => call.toolName)).toEqual(['complete_task']);
    const { result } = await drive({}, {}, []);
    expect(result.toolCalls).toEqual([]);
    expect(result.text).toMatch(/^\[simulated\]/);
  });

  it('continues a session resumed from its earlier steps instead of starting over', async () => {
    const whole = await drive({ task_id: 'task-7' });
    const model = createSimulatedModel();
    const tools = stubTools();
    const head = await generateText({ model, system: system({ task_id: 'task-7' }), prompt: 'Work on the task.', tools, stopWhen: stepCountIs(2) });
    const tail = await generateText({ model, system: system({ task_id: 'task-7' }), messages: [{ role: 'user', content: 'Work on the task.' }, ...head.response.messages], tools, stopWhen: stepCountIs(20) });
    const names = [...head.steps, ...tail.steps].flatMap((step) => step.toolCalls.map((call) => call.toolName));
    expect(names).toEqual(whole.calls.map((call) => call.toolName));
    expect(tail.steps[0]!.toolCalls[0]!.toolName).not.toBe('search_memory');
  });

  it('makes the same choices for the same seed and different ones for another seed', async () => {
    const script = async (seed: number): Promise<string[]> => {
      const lines: string[] = [];
      for (const task_id of taskIds.slice(0, 15)) lines.push(JSON.stringify((await drive({ task_id }, { seed })).calls));
      return lines;
    };
    expect(await script(42)).toEqual(await script(42));
    expect(await script(7)).not.toEqual(await script(42));
  });
});

describe('createSimulatedModel as a plain model', () => {
  it('streams the same content, tool calls and usage as it generates', async () => {
    const options = { model: createSimulatedModel(), system: system(), prompt: 'Work on the task.', stopWhen: stepCountIs(20) };
    const generated = await generateText({ ...options, tools: stubTools() });
    const streamed = streamText({ ...options, tools: stubTools() });
    expect(await streamed.text).toBe(generated.text);
    expect((await streamed.steps).map((step) => [step.text, step.toolCalls.map((call) => call.input)])).toEqual(generated.steps.map((step) => [step.text, step.toolCalls.map((call) => call.input)]));
    expect(await streamed.totalUsage).toEqual(generated.totalUsage);
  });

  it('answers chat without a context with a labelled text that echoes a hash of the last user message', async () => {
    const model = createSimulatedModel();
    const first = await generateText({ model, prompt: 'What is the capital of France?' });
    const again = await generateText({ model, prompt: 'What is the capital of France?' });
    const other = await generateText({ model, prompt: 'What is the capital of Spain?' });
    expect(first.text).toMatch(/^\[simulated\] Reply [0-9a-f]{8} to "What is the capital of France\?"/);
    expect(again.text).toBe(first.text);
    expect(other.text).not.toBe(first.text);
  });

  it('returns a JSON object that fits the requested schema when asked for JSON', async () => {
    const schema = z.object({ verdict: z.enum(['on_track', 'drifting', 'stuck']), reason: z.string(), confidence: z.number().min(0).max(1), notes: z.array(z.string()) });
    const { output } = await generateText({ model: createSimulatedModel(), prompt: 'Review this session.', output: Output.object({ schema }) });
    expect(output.verdict).toBe('on_track');
    expect(output.reason).toMatch(/^\[simulated\]/);
  });

  it('returns a small JSON object when asked for JSON without a schema', async () => {
    const model = createSimulatedModel();
    const result = await model.doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], responseFormat: { type: 'json' } });
    const text = result.content.find((part) => part.type === 'text');
    expect(JSON.parse(text!.type === 'text' ? text!.text : '')).toMatchObject({ simulated: true, reply: expect.stringMatching(/^\[simulated\]/) });
  });

  it('streams stream-start first, then text and tool-call parts, and a finish part with usage last', async () => {
    const model = createSimulatedModel();
    const { stream } = await model.doStream({ prompt: [{ role: 'system', content: system() }, { role: 'user', content: [{ type: 'text', text: 'go' }] }], tools: [{ type: 'function', name: 'search_memory', inputSchema: { type: 'object' } }] });
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts[0]!.type).toBe('stream-start');
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => (part.type === 'text-delta' ? part.delta : '')).join('')).toMatch(/^\[simulated\] Searching memory/);
    expect(parts.find((part) => part.type === 'tool-call')).toMatchObject({ toolName: 'search_memory', input: '{"query":"rate limiting public api","limit":5}' });
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls' }, usage: { inputTokens: { total: expect.any(Number) } } });
  });

  it('reports reproducible token usage within ten per cent of the configured numbers', async () => {
    const model = createSimulatedModel({ inputTokens: 1000, outputTokens: 200 });
    const first = await generateText({ model, prompt: 'hello' });
    const again = await generateText({ model, prompt: 'hello' });
    expect(first.usage.inputTokens).toBeGreaterThanOrEqual(900);
    expect(first.usage.inputTokens).toBeLessThanOrEqual(1100);
    expect(first.usage.outputTokens).toBeGreaterThanOrEqual(180);
    expect(first.usage.outputTokens).toBeLessThanOrEqual(220);
    expect(again.usage).toEqual(first.usage);
  });

  it('waits about the configured latency and stops waiting as soon as the call is aborted', async () => {
    const started = Date.now();
    await generateText({ model: createSimulatedModel({ latencyMs: 60 }), prompt: 'hello' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    const controller = new AbortController();
    const aborted = Date.now();
    setTimeout(() => controller.abort(), 20);
    await expect(generateText({ model: createSimulatedModel({ latencyMs: 60_000 }), prompt: 'hello', abortSignal: controller.signal, maxRetries: 0 })).rejects.toThrow(/abort/i);
    expect(Date.now() - aborted).toBeLessThan(2_000);
  });
});
