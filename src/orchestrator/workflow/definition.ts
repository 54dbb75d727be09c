import { z } from 'zod';

/**
 * A workflow definition as written in YAML or JSON (snake_case, as users write it). Messages
 * say what was expected, so `anvil workflows validate` can print
 * `phases[1].max_concurrency: expected a positive integer`.
 */
/** Tools on the run's workspace folder (src/orchestrator/workspace); opt-in per phase. */
export const workspaceToolNames = ['read_file', 'write_file', 'list_files', 'run_command'] as const;
export const agentToolNames = ['create_task', 'complete_task', 'fail_task', 'save_memory', 'search_memory', 'submit_result', 'ask_human', ...workspaceToolNames] as const;
export type AgentToolName = (typeof agentToolNames)[number];
/**
 * Tools a phase gets when it lists none. ask_human is opt-in: an agent that may stop to wait for a
 * person should be one the workflow's author chose, not every agent of an unattended run. So are
 * the workspace tools: touching files and running programs is the author's choice per phase.
 */
export const defaultAgentToolNames: readonly AgentToolName[] = agentToolNames.filter((name) => name !== 'ask_human' && !(workspaceToolNames as readonly string[]).includes(name));

const positiveInteger = () =>
  z
    .number({ error: 'expected a positive integer' })
    .int({ error: 'expected a positive integer' })
    .positive({ error: 'expected a positive integer' });
const positiveNumber = () => z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });
const share = () =>
  z.number({ error: 'expected a number from 0 to 1' }).min(0, { error: 'expected a number from 0 to 1' }).max(1, { error: 'expected a number from 0 to 1' });
const key = () =>
  z
    .string({ error: 'expected a string' })
    .regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'expected a lowercase key: letters, digits, _ or -, starting with a letter' });
const text = (max: number) =>
  z.string({ error: 'expected a string' }).max(max, { error: `expected at most ${max} characters` });
const modelName = () =>
  z.string({ error: 'expected a string' }).regex(/^[a-z0-9-]+\/[\w.:@/-]+$/i, { error: 'expected provider/model, e.g. openai/gpt-4o-mini' });
/** Models tried in order when the phase's model keeps failing (docs/workflows.md, "Fallback models"). */
const fallbackModels = () =>
  z
    .array(modelName(), { error: 'expected a list of provider/model names' })
    .max(8, { error: 'expected at most 8 fallback models' })
    .refine((names) => new Set(names).size === names.length, { error: 'expected each fallback model once' });

/**
 * A reviewer checks each task of the phase against its done_definition before it counts as done.
 * Writing `review: {}` (or any of the fields) turns review on; `required: false` turns it off.
 */
const reviewSchema = z
  .object({
    required: z.boolean({ error: 'expected true or false' }).default(true),
    max_rounds: positiveInteger().max(10, { error: 'expected at most 10 rounds' }).default(2),
    model: modelName().optional(),
    instructions: text(4_000).default(''),
  })
  .strict();

/** Review of the run's result (submit_result) and what an accepted result does to the run. */
const resultSchema = z
  .object({
    description: text(4_000).default(''),
    review: reviewSchema.omit({ required: true }).optional(),
    on_result: z.enum(['stop_all', 'continue'], { error: 'expected stop_all or continue' }).default('continue'),
  })
  .strict();

export const phaseSchema = z
  .object({
    key: key(),
    name: text(120).min(1, { error: 'expected a non-empty name' }),
    description: text(4_000).default(''),
    instructions: text(20_000).default(''),
    done_definition: text(4_000).default(''),
    model: modelName().optional(),
    /** Replaces the workflow's fallback_models for this phase (an empty list turns them off). */
    fallback_models: fallbackModels().optional(),
    tools: z
      .array(z.enum(agentToolNames, { error: `expected one of ${agentToolNames.join(', ')}` }), { error: 'expected a list of tool names' })
      .default([...defaultAgentToolNames]),
    max_concurrency: positiveInteger().optional(),
    review: reviewSchema.optional(),
    // Tasks of a gated phase are not handed out until a person approves the phase for the run, or
    // the task. No default, so definitions stored before the field existed keep their checksum.
    approval: z.enum(['required', 'none'], { error: 'expected required or none' }).optional(),
  })
  .strict();

const paramSchema = z
  .object({
    type: z.enum(['string', 'number', 'integer', 'boolean'], { error: 'expected string, number, integer or boolean' }).default('string'),
    description: text(1_000).default(''),
    required: z.boolean({ error: 'expected true or false' }).default(false),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  })
  .strict();

export const workflowSchema = z
  .object({
    name: key(),
    version: positiveInteger().default(1),
    description: text(4_000).default(''),
    model: modelName().optional(),
    fallback_models: fallbackModels().optional(),
    params: z.record(key(), paramSchema, { error: 'expected a mapping of parameter names' }).default({}),
    first_task: z
      .object({
        phase: key().optional(),
        title: text(300).min(1, { error: 'expected a non-empty title' }),
        description: text(20_000).default(''),
      })
      .strict(),
    phases: z.array(phaseSchema, { error: 'expected a list of phases' }).min(1, { error: 'expected at least one phase' }),
    limits: z
      .object({
        max_tasks: positiveInteger().default(200),
        max_depth: positiveInteger().default(6),
        max_attempts: positiveInteger().default(3),
        max_steps: positiveInteger().default(16),
        max_tokens_per_session: positiveInteger().default(200_000),
        max_usd_per_session: positiveNumber().default(2),
      })
      .strict()
      .default({ max_tasks: 200, max_depth: 6, max_attempts: 3, max_steps: 16, max_tokens_per_session: 200_000, max_usd_per_session: 2 }),
    budget: z
      .object({ usd: positiveNumber().optional(), tokens: positiveInteger().optional() })
      .strict()
      .default({}),
    on_task_failure: z.enum(['fail_run', 'continue'], { error: 'expected fail_run or continue' }).default('fail_run'),
    result: resultSchema.optional(),
    // Programs run_command may start, if the server's workspace.commands allows them too.
    workspace: z
      .object({
        commands: z
          .array(z.string({ error: 'expected a string' }).regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/, { error: 'expected a program name without a path' }), { error: 'expected a list of program names' })
          .max(50, { error: 'expected at most 50 programs' })
          .default([]),
      })
      .strict()
      .default({ commands: [] }),
    // Unset fields take the server's `guardian.*` settings (docs/configuration.md).
    guardian: z
      .object({
        enabled: z.boolean({ error: 'expected true or false' }).optional(),
        model: modelName().optional(),
        every_steps: positiveInteger().optional(),
        every_seconds: positiveInteger().optional(),
        transcript_steps: positiveInteger().optional(),
        drifting_limit: positiveInteger().optional(),
        budget_usd: positiveNumber().optional(),
      })
      .strict()
      .default({}),
    // Unset fields take the server's `conductor.*` settings.
    conductor: z
      .object({
        enabled: z.boolean({ error: 'expected true or false' }).optional(),
        duplicate_threshold: share().optional(),
        embedding_duplicate_threshold: share().optional(),
        duplicate_action: z.enum(['merge', 'cancel'], { error: 'expected merge or cancel' }).optional(),
        stall_seconds: positiveInteger().optional(),
        max_diagnostic_tasks: z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' }).min(0, { error: 'expected 0 or more' }).optional(),
        diagnostic_phase: key().optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((workflow, context) => {
    for (const issue of crossFieldIssues(workflow)) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

interface LooseWorkflow {
  phases?: { key?: unknown }[];
  first_task?: { phase?: unknown; title?: unknown; description?: unknown };
  params?: Record<string, { type?: unknown; default?: unknown }>;
}

/**
 * Rules that span fields. They read the input loosely so that `validateWorkflow` can report
 * them together with schema errors (zod runs refinements only on input that parsed).
 */
export function crossFieldIssues(input: unknown): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (!input || typeof input !== 'object') return issues;
  const workflow = input as LooseWorkflow;
  const seen = new Map<string, number>();
  (Array.isArray(workflow.phases) ? workflow.phases : []).forEach((phase, index) => {
    if (typeof phase?.key !== 'string') return;
    const first = seen.get(phase.key);
    if (first !== undefined) issues.push({ path: ['phases', index, 'key'], message: `duplicate phase key "${phase.key}" (also phases[${first}])` });
    else seen.set(phase.key, index);
  });
  const firstTask = workflow.first_task ?? {};
  if (typeof firstTask.phase === 'string' && !seen.has(firstTask.phase)) {
    issues.push({ path: ['first_task', 'phase'], message: `unknown phase "${firstTask.phase}"` });
  }
  const diagnosticPhase = (workflow as { conductor?: { diagnostic_phase?: unknown } }).conductor?.diagnostic_phase;
  if (typeof diagnosticPhase === 'string' && !seen.has(diagnosticPhase)) {
    issues.push({ path: ['conductor', 'diagnostic_phase'], message: `unknown phase "${diagnosticPhase}"` });
  }
  const params = workflow.params && typeof workflow.params === 'object' ? workflow.params : {};
  for (const [name, param] of Object.entries(params)) {
    if (param?.default === undefined) continue;
    const type = param.type ?? 'string';
    const ok = type === 'integer' ? Number.isInteger(param.default) : type === typeof param.default;
    if (!ok) issues.push({ path: ['params', name, 'default'], message: `expected a ${String(type)}` });
  }
  const text = `${typeof firstTask.title === 'string' ? firstTask.title : ''} ${typeof firstTask.description === 'string' ? firstTask.description : ''}`;
  for (const match of text.matchAll(/\{(\w+)\}/g)) {
    const placeholder = match[1]!;
    if (placeholder !== 'goal' && !(placeholder in params)) issues.push({ path: ['first_task'], message: `placeholder {${placeholder}} names no parameter` });
  }
  return issues;
}

export type WorkflowDefinition = z.output<typeof workflowSchema>;
export type PhaseDefinition = WorkflowDefinition['phases'][number];
export type ReviewDefinition = z.output<typeof reviewSchema>;
export type ResultDefinition = z.output<typeof resultSchema>;

/** The phase's review settings when its tasks must pass a reviewer, else undefined. */
export function phaseReview(phase: PhaseDefinition): ReviewDefinition | undefined {
  return phase.review?.required ? phase.review : undefined;
}
export type WorkflowInput = z.input<typeof workflowSchema>;
