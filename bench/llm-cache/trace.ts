import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { PromptKind } from '../../src/llm/index.js';

/**
 * A day of agent traffic, generated from the example workflows with a seeded random source, for
 * bench/llm-cache. The repeat pattern follows what an orchestrator sends:
 *   - runs of a workflow toward goals drawn from a small, skewed pool, so popular goals recur
 *     within a tenant during the day (the same first steps, the same plans);
 *   - per task, agent steps (with tools); a retried attempt resends its first step minutes later;
 *   - a guardian review (classification) every few steps, repeated when the state has not moved;
 *   - a summary per finished phase and a plan per run; brainstorming at temperature 0.7 (never
 *     cacheable unless forced).
 * Three tenants never share goals' answers (their entries are separate by design).
 */
export interface TraceRequest {
  at: number;
  tenant: string;
  model: string;
  kind: PromptKind;
  system: string;
  user: string;
  tools: boolean;
  temperature?: number;
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface ExampleWorkflow {
  name: string;
  phases: { key: string; instructions?: string }[];
}

export function loadWorkflows(folder = 'examples'): ExampleWorkflow[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => parse(readFileSync(join(folder, file), 'utf8')) as ExampleWorkflow);
}

export function generateTrace({ runs = 240, seed = 7, startAt = Date.parse('2026-11-02T00:00:00Z') } = {}): TraceRequest[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  // A skewed pool: goal i is drawn with weight 1/(i+1).
  const goals = Array.from({ length: 40 }, (_, index) => `goal ${index}: improve component ${index % 7} for requirement ${index}`);
  const weights = goals.map((_, index) => 1 / (index + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const drawGoal = () => {
    let target = random() * total;
    for (let index = 0; index < goals.length; index++) if ((target -= weights[index]!) <= 0) return goals[index]!;
    return goals[0]!;
  };
  const workflows = loadWorkflows();
  const requests: TraceRequest[] = [];
  const model = 'simulated/agent';
  for (let run = 0; run < runs; run++) {
    const tenant = `tenant-${Math.floor(random() * 3)}`;
    const workflow = pick(workflows);
    const goal = drawGoal();
    let at = startAt + Math.floor(random() * 86_400_000);
    const push = (request: Omit<TraceRequest, 'at' | 'tenant' | 'model'>, delayMs: number) => {
      at += delayMs;
      requests.push({ at, tenant, model, ...request });
    };
    push({ kind: 'planning', system: `You plan work for the ${workflow.name} workflow.`, user: `Plan the steps to reach: ${goal}`, tools: false }, 0);
    push({ kind: 'chat', system: 'You brainstorm.', user: `Brainstorm ideas about ${goal}`, tools: false, temperature: 0.7 }, 2_000);
    for (const phase of workflow.phases) {
      const tasks = 1 + Math.floor(random() * 3);
      for (let task = 0; task < tasks; task++) {
        const title = `${phase.key} task ${task} of ${goal}`;
        const system = `Workflow ${workflow.name}, phase ${phase.key}. ${phase.instructions ?? ''}`.trim();
        const steps = 2 + Math.floor(random() * 3);
        for (let step = 0; step < steps; step++) {
          push({ kind: 'agent-step', system, user: `Task: ${title}. Step ${step}.`, tools: true }, 3_000 + Math.floor(random() * 20_000));
          if (step % 2 === 1) {
            const review = { kind: 'classification' as const, system: 'You are the guardian. Classify the trajectory as on_track, drifting, stuck or breaking_rules.', user: `Classify: ${title}, step ${step}`, tools: false };
            push(review, 1_000);
            if (random() < 0.3) push(review, 60_000 + Math.floor(random() * 240_000));
          }
        }
        if (random() < 0.15) push({ kind: 'agent-step', system, user: `Task: ${title}. Step 0.`, tools: true }, 120_000 + Math.floor(random() * 600_000));
      }
      push({ kind: 'summarisation', system: 'You write summaries.', user: `Summarize the results of phase ${phase.key} for: ${goal}`, tools: false }, 5_000);
    }
  }
  return requests.sort((a, b) => a.at - b.at);
}
