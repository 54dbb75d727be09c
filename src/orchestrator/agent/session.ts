import { randomUUID } from 'node:crypto';
import { generateText, hasToolCall, stepCountIs, type LanguageModel, type ModelMessage } from 'ai';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Telemetry } from '../../observability/telemetry.js';
import type { Database } from '../../store/database.js';
import { findRun } from '../../store/runs.js';
import { apiKeyDailyBudget } from '../../store/api-keys.js';
import { createMemoryService, type MemoryService } from '../memory.js';
import { memoryDefaults } from '../../config/memory-schema.js';
import type { WorkspaceConfig } from '../../config/workspace-schema.js';
import { failTask, releaseTask, retryDelaySeconds, stopTask, type ClaimedRun, type LeaseHolder } from '../../store/queue/index.js';
import { anvilProviderOptions, isBudgetExceeded } from '../../llm/index.js';
import { pauseRun } from '../runs.js';
import type { TaskRow } from '../../store/rows.js';
import type { SessionMessageRow } from '../../store/session-messages.js';
import { findInterruptedSession, type SessionStatus } from '../../store/sessions.js';
import { questionsOfTask } from '../../store/human-questions.js';
import { latestFeedback } from '../../store/reviews.js';
import { withHumanAnswers } from '../human/questions.js';
import { getWorkflow } from '../workflows.js';
import type { ConductorServices } from '../tasks.js';
import type { WorkflowLookup } from '../workflow-cache.js';
import type { GuardianConfig } from '../../config/agents-schema.js';
import { SessionGuardian } from '../guardian/session-guardian.js';
import { guardianSettings } from '../guardian/settings.js';
import { inboxPromptMessage, SessionInbox, senderLabel, stopNote } from './inbox.js';
import { memoriesWithinBudget, systemPrompt, taskMessage } from './prompts.js';
import { StepRecorder } from './step-recorder.js';
import { agentTools, type SessionOutcome } from './tools.js';

export interface ResolvedModel {
  model: LanguageModel;
  name: string;
  simulated: boolean;
}

export interface ModelSource {
  resolve(name: string): ResolvedModel;
  defaultModelName(): string;
}

export type PriceFunction = (modelName: string, usage: { inputTokens: number; outputTokens: number }) => number | null;

export interface AgentSessionOptions {
  db: Database;
  /**
   * From claimTask: `first_claim` spares the look-up of an interrupted session to resume, `run`
   * the read of the run, `inbox_waiting` (false) the read of the inbox.
   */
  task: TaskRow & { first_claim?: boolean; run?: ClaimedRun; inbox_waiting?: boolean };
  workerId: string;
  models: ModelSource;
  price: PriceFunction;
  logger: Logger;
  retryBaseMs: number;
  /** Tokens of memories injected into the system prompt (memory.promptBudgetTokens). Default 800. */
  memoryBudgetTokens?: number;
  /** Memory search and saving; default full text alone on `db`. */
  memory?: MemoryService;
  /** Workspace settings; without them, phases get no workspace tools. */
  workspace?: WorkspaceConfig;
  /** Aborted when the lease is lost or the worker is forced to stop. */
  signal: AbortSignal;
  /** Where the run's workflow version is read; a worker passes its cache. Default getWorkflow. */
  workflows?: WorkflowLookup;
  /** Each persisted step is reported here (trace spans). */
  telemetry?: Telemetry;
  /** When set, the AI SDK records its own spans (calls, tool runs) under the session's span; prompts are not recorded. */
  tracer?: Tracer;
  /** The server's guardian settings; the workflow's `guardian:` block overrides them. Unset: no guardian. */
  guardian?: GuardianConfig;
  /** Near-duplicate detection for the tasks the agent creates. */
  conductor?: ConductorServices;
}

export interface AgentSessionResult {
  status: SessionStatus;
  /** The agent finished a task of a reviewed phase: it is in review, under this worker's lease. */
  reviewPending?: boolean;
  /** The task reached a final state (done, or failed for good) in this session. */
  taskFinal: boolean;
  taskFailed: boolean;
}

/**
 * Runs one agent session for a claimed task attempt: the AI SDK tool loop over the phase's model,
 * each step persisted (with its event) before the next begins (StepRecorder); the step that calls
 * complete_task completes the task and finishes the session in the same statement. A session left running by a dead
 * worker is resumed: its persisted steps are replayed as history, so the agent continues from its
 * last step. Caps on steps, tokens and dollars end the session cleanly.
 *
 * Before each step the session takes the messages waiting in its inbox (inbox.ts) into the step's
 * prompt; a stop request waiting after a step ends the session there ('stopped') and gives the
 * task back to the queue with the request's note.
 */
export async function runAgentSession(options: AgentSessionOptions): Promise<AgentSessionResult> {
  const { db, task, workerId, models, price, logger, signal } = options;
  const holder: LeaseHolder = { taskId: task.id, attempt: task.attempt, workerId };
  // A claim returns what the prompt needs of the run; a task from elsewhere has its run read.
  const run: ClaimedRun = task.run ?? (await findRun(db, task.run_id))!;
  const { definition: workflow } = await (options.workflows ?? getWorkflow)(db, run.workflow_id);
  const phase = workflow.phases.find((p) => p.key === task.phase)!;
  const modelName = phase.model ?? workflow.model ?? models.defaultModelName();
  const resolved = models.resolve(modelName);
  // Tried in order when the model keeps failing, before the gateway's own gateway.fallbacks.
  const fallbacks = phase.fallback_models ?? workflow.fallback_models ?? [];
  // The run's calls belong to the key that started it: its cache namespace and daily budget.
  const tenantDailyUsd = run.tenant === 'local' ? undefined : await apiKeyDailyBudget(db, run.tenant);
  const limits = workflow.limits;

  // A task claimed for the first time has no earlier session to resume.
  const previous = task.first_claim === true ? undefined : await findInterruptedSession(db, task.id);
  const replayed = (previous?.steps ?? []).flatMap((step) => (step.payload.messages ?? []) as ModelMessage[]);
  // A session that asked a person resumes with the answer where the ask_human tool's result belongs.
  const history = replayed.length > 0 ? withHumanAnswers(replayed, await questionsOfTask(db, task.id)) : replayed;
  // An attempt after a reviewer's "needs work" is told what the reviewer said.
  const feedback = task.review_round > 0 ? await latestFeedback(db, task.id) : undefined;
  // The session row is written with the first step (session-writes.ts). A task given back without
  // using its attempt (budget pause) continues in its attempt's row.
  const continuing = previous?.session.attempt === task.attempt ? previous.session : undefined;
  const outcome: SessionOutcome = {};
  const recorder = new StepRecorder({
    db,
    session: {
      id: continuing?.id ?? randomUUID(),
      taskId: task.id,
      runId: task.run_id,
      attempt: task.attempt,
      workerId,
      model: resolved.name,
      simulated: resolved.simulated,
      resumedFrom: continuing ? continuing.resumed_from : (previous?.session.id ?? null),
      resumedSteps: previous?.steps.length ?? 0,
      opened: false,
    },
    stepIndexBase: continuing ? previous!.steps.filter((step) => step.session_id === continuing.id).length : 0,
    price,
    outcome,
    telemetry: options.telemetry,
  });
  // A phase whose agents are not offered memory search is not given memories in its prompt either.
  const memory = options.memory ?? createMemoryService({ db, vectorStore: { kind: 'array', reason: 'no memory service given' }, config: memoryDefaults });
  const budget = options.memoryBudgetTokens ?? memoryDefaults.promptBudgetTokens;
  const found =
    phase.tools.includes('search_memory') && budget > 0
      ? (await memory.search({ runId: task.run_id, query: `${task.title} ${task.description}`, limit: 20, context: { taskId: task.id } })).memories
      : [];
  const system = systemPrompt({ workflow, phase, run, task, memories: memoriesWithinBudget(found, budget) });

  const totals = recorder.totals;
  let capped: string | undefined;
  const stepsAllowed = Math.max(1, limits.max_steps - (previous?.steps.length ?? 0));
  const capReached = () => {
    if (totals.inputTokens + totals.outputTokens >= limits.max_tokens_per_session) capped = `token cap ${limits.max_tokens_per_session} reached`;
    else if (totals.costUsd >= limits.max_usd_per_session) capped = `dollar cap ${limits.max_usd_per_session} reached`;
    else if (totals.steps >= stepsAllowed && !outcome.final) capped = `step cap ${limits.max_steps} reached`;
    return capped !== undefined;
  };

  const inbox = new SessionInbox(db, task.id);
  // A task from elsewhere than a claim does not say whether messages wait: read the inbox.
  if (task.inbox_waiting !== false) await inbox.refresh();
  // The inbox messages in the prompt of the step under way, persisted (and marked delivered) with it.
  let stepMessages: SessionMessageRow[] = [];
  const tools = agentTools({ db, task, holder, phase, outcome, retryBaseMs: options.retryBaseMs, models, price, workflows: options.workflows, signal, memory, workspace: options.workspace && { config: options.workspace, workflowCommands: workflow.workspace.commands }, conductor: options.conductor });
  const watching = options.guardian ? guardianSettings(options.guardian, workflow.guardian) : undefined;
  const guardian = watching?.enabled
    ? new SessionGuardian({ db, models, price, logger, settings: watching, task, phase, tools: Object.keys(tools), sessionId: recorder.session.id, previousSteps: previous?.steps, signal })
    : undefined;

  const persistStep = async (step: Parameters<StepRecorder['persist']>[0]) => {
    const taken = stepMessages;
    stepMessages = [];
    const persisted = await recorder.persist(step, { messages: taken.map(inboxPromptMessage), ids: taken.map((message) => message.id) });
    if (!persisted) return;
    // A session whose task just reached its end (done, failed, handed to review or to a person) is
    // not reviewed: there is nothing left to steer, and the review would only delay its finish.
    const guardianPosted = guardian && !outcome.final ? await guardian.afterStep(persisted.payload, taken.map((message) => senderLabel(message))) : false;
    if (persisted.inboxWaiting || guardianPosted) await inbox.refresh();
  };

  let error: string | null = null;
  let budgetRefusal: string | undefined;
  try {
    // A stop requested while the task waited in the queue ends the session before its first call.
    if (!inbox.stopRequest()) await generateText({
      model: resolved.model,
      system,
      messages: [taskMessage(task, feedback && { round: feedback.round, feedback: feedback.feedback }), ...history],
      tools,
      // A step that could not be persisted (or whose completion was refused) ends the session.
      stopWhen: [hasToolCall('complete_task'), hasToolCall('fail_task'), () => outcome.final === 'waiting', stepCountIs(stepsAllowed), recorder.stopped, capReached, () => inbox.stopRequest() !== undefined],
      prepareStep: ({ messages }) => {
        const { taken, messages: withInbox } = inbox.takeForStep(messages);
        stepMessages = taken;
        return withInbox === messages ? undefined : { messages: withInbox };
      },
      abortSignal: signal,
      maxRetries: 0,
      providerOptions: anvilProviderOptions({ tenant: run.tenant, tenantDailyUsd, fallbacks, runId: task.run_id, taskId: task.id, sessionId: recorder.session.id, kind: 'agent-step' }),
      onStepFinish: persistStep,
      experimental_telemetry: options.tracer ? { isEnabled: true, tracer: options.tracer, recordInputs: false, recordOutputs: false } : undefined,
    });
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
    if (isBudgetExceeded(caught)) budgetRefusal = caught.message;
  }

  if (recorder.failure !== undefined && error === null) error = `step not persisted: ${recorder.failure instanceof Error ? recorder.failure.message : String(recorder.failure)}`;

  // Completed, persisted and finished with its last step (recordCompletion).
  if (recorder.completed) return { status: 'completed', taskFinal: true, taskFailed: false };
  let status: SessionStatus;
  const stop = inbox.stopRequest();
  // A session that asked a person is resumed after the answer, so it ends as interrupted.
  if (outcome.final) status = outcome.final === 'completed' ? 'completed' : outcome.final === 'waiting' ? 'interrupted' : 'failed';
  else if (signal.aborted || recorder.leaseLost) status = 'interrupted';
  else if (stop) {
    status = 'stopped';
    try {
      // A stop that came before the first step finds no session row to name (it is written next).
      const sessionId = recorder.session.opened ? recorder.session.id : null;
      const stopped = await stopTask(db, holder, { note: stopNote(stop), messageIds: inbox.stopRequests().map((message) => message.id), sessionId, step: recorder.steps });
      outcome.retryScheduled = stopped.status === 'queued';
    } catch (stopError) {
      logger.warn({ taskId: task.id, err: stopError }, 'could not stop the task (lease lost)');
      outcome.retryScheduled = true;
    }
  }
  else if (budgetRefusal) {
    // The gateway refused the call before sending it: the run pauses with the reason and the task
    // goes back to the queue without using up an attempt, to continue when the run is resumed.
    status = 'interrupted';
    await pauseRun(db, task.run_id, budgetRefusal).catch(() => {});
    await releaseTask(db, holder, budgetRefusal).catch((releaseError) => logger.warn({ taskId: task.id, err: releaseError }, 'could not release the task (lease lost)'));
  } else {
    // The model stopped without finishing: a cap (not retried: it would hit the cap again) or an
    // error or a silent stop (retried with backoff).
    status = capped ? 'capped' : 'failed';
    const reason = capped ? `session ended: ${capped}` : error ? `agent error: ${error}` : 'agent ended without completing the task';
    try {
      const failed = await failTask(db, holder, { reason, retryable: !capped, retryDelaySeconds: retryDelaySeconds(task.attempt, options.retryBaseMs) });
      outcome.retryScheduled = failed.status === 'queued';
    } catch (failError) {
      logger.warn({ taskId: task.id, err: failError }, 'could not record the failed attempt (lease lost)');
    }
  }
  if (error && status !== 'interrupted') logger.warn({ taskId: task.id, runId: task.run_id, error }, 'agent session error');
  const leaseLost = recorder.leaseLost ? 'lease lost before the completion was recorded' : null;
  await recorder.finish(status, capped ?? (status === 'stopped' && stop ? stopNote(stop) : (error ?? leaseLost)));
  const taskFinal = (status === 'completed' && !outcome.review) || ((status === 'failed' || status === 'capped' || status === 'stopped') && !outcome.retryScheduled);
  return { status, ...(outcome.review ? { reviewPending: true } : {}), taskFinal, taskFailed: taskFinal && status !== 'completed' };
}
