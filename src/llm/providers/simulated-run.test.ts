import { generateText, stepCountIs, tool, type ToolSet } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSimulatedModel } from './simulated.js';

/**
 * Drives whole runs of a three-phase workflow through the AI SDK's real tool loop, with a small
 * in-memory stand-in for the orchestrator (queue, retries, title deduplication, memory search),
 * to show that the default simulated model produces every behaviour the orchestrator must handle.
 */

const phases = ['analyze', 'implement', 'verify'];
const maxAttempts = 3;

interface HarnessTask { id: string; phase: string; title: string; depth: number; attempt: number; dependsOn: string[] }

interface RunStats {
  tasks: HarnessTask[];
  sessions: number;
  duplicates: number;
  dependencies: number;
  retries: number;
  failedTasks: number;
  submits: number;
  memoryHits: number;
  backwardProposals: number;
  texts: string[];
}

async function runWorkflow(goal: string, model = createSimulatedModel()): Promise<RunStats> {
  const stats: RunStats = { tasks: [], sessions: 0, duplicates: 0, dependencies: 0, retries: 0, failedTasks: 0, submits: 0, memoryHits: 0, backwardProposals: 0, texts: [] };
  const byTitle = new Map<string, string>();
  const memories: string[] = [];
  const queue: HarnessTask[] = [];
  const addTask = (task: Omit<HarnessTask, 'id' | 'attempt'>): HarnessTask => {
    const created = { ...task, id: `task-${stats.tasks.length + 1}`, attempt: 1 };
    stats.tasks.push(created);
    queue.push(created);
    byTitle.set(`${task.phase}:${task.title.toLowerCase().trim()}`, created.id);
    return created;
  };
  addTask({ phase: 'analyze', title: goal, depth: 0, dependsOn: [] });
  while (queue.length > 0) {
    const task = queue.shift()!;
    if (++stats.sessions > 500) throw new Error('run did not end');
    const session = { outcome: 'done' as 'done' | 'retry' | 'failed' };
    const tools: ToolSet = {
      search_memory: tool({
        inputSchema: z.object({ query: z.string(), limit: z.number().optional() }),
        execute: async ({ query }) => {
          const words = query.toLowerCase().split(' ');
          const found = memories.filter((text) => words.some((word) => text.toLowerCase().includes(word)));
          stats.memoryHits += found.length;
          return { memories: found.map((text, rank) => ({ id: `m${rank}`, kind: 'discovery', text, rank })) };
        },
      }),
      save_memory: tool({
        inputSchema: z.object({ kind: z.enum(['discovery', 'decision', 'error_fix', 'warning', 'learning']), text: z.string(), tags: z.array(z.string()).optional() }),
        execute: async ({ text }) => (memories.push(text), { memory_id: `m${memories.length}` }),
      }),
      create_task: tool({
        inputSchema: z.object({ phase: z.string(), title: z.string(), description: z.string().optional(), priority: z.number().int().min(-100).max(100).optional(), depends_on: z.array(z.string()).optional() }),
        execute: async ({ phase, title, depends_on = [] }) => {
          if (phases.indexOf(phase) <= phases.indexOf(task.phase)) stats.backwardProposals += 1;
          if (depends_on.length > 0) stats.dependencies += 1;
          const existing = byTitle.get(`${phase}:${title.toLowerCase().trim()}`);
          if (existing) return (stats.duplicates += 1, { task_id: existing, status: 'queued', duplicate: true });
          return { task_id: addTask({ phase, title, depth: task.depth + 1, dependsOn: depends_on }).id, status: 'queued', duplicate: false };
        },
      }),
      complete_task: tool({ inputSchema: z.object({ summary: z.string(), result: z.unknown().optional() }), execute: async () => ({ ok: true }) }),
      fail_task: tool({
        inputSchema: z.object({ reason: z.string(), retryable: z.boolean().optional() }),
        execute: async ({ retryable }) => ((session.outcome = retryable && task.attempt < maxAttempts ? 'retry' : 'failed'), { ok: true }),
      }),
      submit_result: tool({ inputSchema: z.object({ summary: z.string(), result: z.unknown().optional() }), execute: async () => (stats.submits += 1, { ok: true }) }),
    };
    const context = { run_id: 'run-1', task_id: task.id, attempt: task.attempt, max_attempts: maxAttempts, phase: task.phase, phases, title: task.title, depth: task.depth, max_depth: 6 };
    const result = await generateText({
      model,
      system: `You work on one task of a run.\n<anvil-context>${JSON.stringify(context)}</anvil-context>`,
      prompt: `Task: ${task.title}`,
      tools,
      stopWhen: stepCountIs(20),
    });
    stats.texts.push(...result.steps.map((step) => step.text));
    if (session.outcome === 'retry') {
      stats.retries += 1;
      queue.push({ ...task, attempt: task.attempt + 1 });
    } else if (session.outcome === 'failed') stats.failedTasks += 1;
  }
  return stats;
}

const goals = ['Add rate limiting to the public API', 'Migrate the storage layer to PostgreSQL', 'Harden the parser against bad input', 'Speed up the scheduler'];

describe('the simulated model over whole runs (default seed, three phases)', () => {
  it('ends each run after a handful to tens of tasks, never proposing work in the current or an earlier phase', async () => {
    for (const goal of goals) {
      const stats = await runWorkflow(goal);
      expect(stats.tasks.length).toBeGreaterThanOrEqual(2);
      expect(stats.tasks.length).toBeLessThan(40);
      expect(stats.backwardProposals).toBe(0);
      expect(stats.failedTasks).toBe(0);
      expect(stats.texts.every((text) => text.startsWith('[simulated]'))).toBe(true);
    }
  });

  it('produces duplicate proposals, dependencies, retries, submitted results and memory hits', async () => {
    const all = await Promise.all(goals.map((goal) => runWorkflow(goal)));
    const total = (key: 'duplicates' | 'dependencies' | 'retries' | 'submits' | 'memoryHits'): number => all.reduce((sum, stats) => sum + stats[key], 0);
    expect(total('duplicates')).toBeGreaterThan(0);
    expect(total('dependencies')).toBeGreaterThan(0);
    expect(total('retries')).toBeGreaterThan(0);
    expect(total('submits')).toBeGreaterThan(0);
    expect(total('memoryHits')).toBeGreaterThan(0);
  });

  it('replays a run exactly for the same seed', async () => {
    const first = await runWorkflow(goals[0]!);
    const second = await runWorkflow(goals[0]!);
    expect(second.tasks).toEqual(first.tasks);
    expect(second.texts).toEqual(first.texts);
  });
});
