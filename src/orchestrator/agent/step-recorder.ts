import { performance } from 'node:perf_hooks';
import type { ModelMessage, StepResult, ToolSet } from 'ai';
import type { Telemetry } from '../../observability/telemetry.js';
import type { Queryable } from '../../store/database.js';
import { finishSession, recordCompletion, recordStep, type SessionIdentity, type SessionTotals, type StepRecord } from '../../store/session-writes.js';
import type { SessionStatus } from '../../store/sessions.js';
import type { PriceFunction } from './session.js';
import type { SessionOutcome } from './tools.js';

/** Inbox messages a step's prompt carried: persisted at the head of its messages, marked delivered with it. */
export interface DeliveredMessages {
  messages: ModelMessage[];
  ids: string[];
}

export interface PersistedStep {
  payload: StepRecord['payload'];
  inboxWaiting: boolean;
}

export interface StepRecorderOptions {
  db: Queryable;
  session: SessionIdentity;
  /** Steps the session row already holds (a task given back without using its attempt continues in its row). */
  stepIndexBase: number;
  price: PriceFunction;
  outcome: SessionOutcome;
  telemetry?: Telemetry;
}

/**
 * Persists an agent session as it goes: each step (with its event) before the next one starts,
 * the session row with the first of them, and the task's completion with the step whose
 * complete_task asked for it (one statement: completion, step, the session's finish). Keeps the
 * session's totals for its caps.
 *
 * The AI SDK ignores errors thrown by onStepFinish, so a step that could not be persisted is
 * kept in `failure` and the session must stop at it (`stopped`): the next step would start
 * before this one is durable.
 */
export class StepRecorder {
  readonly totals: SessionTotals = { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  /** Why the last step could not be persisted; the session stops. */
  failure: unknown;
  /** complete_task's completion was refused: this worker no longer holds the attempt. */
  leaseLost = false;
  /** The task was completed, and the session finished, with the last step. */
  completed = false;
  private persisted = 0;
  private seenMessages = 0;
  private stepStarted = performance.now();

  constructor(private readonly options: StepRecorderOptions) {}

  get session(): SessionIdentity {
    return this.options.session;
  }

  /** Steps persisted in the session's row, including those of the attempt it continues. */
  get steps(): number {
    return this.options.stepIndexBase + this.persisted;
  }

  /** True once the session must not take another step. */
  readonly stopped = (): boolean => this.failure !== undefined || this.leaseLost;

  /**
   * Persists a finished step (onStepFinish): what was persisted, and whether more inbox messages
   * wait. Undefined when it was not persisted (see `failure`, `leaseLost`); never throws.
   */
  async persist(step: StepResult<ToolSet>, delivered: DeliveredMessages = { messages: [], ids: [] }): Promise<PersistedStep | undefined> {
    try {
      return await this.persistStep(step, delivered);
    } catch (error) {
      this.failure = error;
      return undefined;
    }
  }

  private async persistStep(step: StepResult<ToolSet>, delivered: DeliveredMessages): Promise<PersistedStep | undefined> {
    const { db, session, outcome, price, telemetry } = this.options;
    // The gateway reports what the call really cost: a cache hit spent no tokens and $0.
    const gateway = step.providerMetadata?.anvil as { cache?: string; costUsd?: number | null } | undefined;
    const inputTokens = gateway?.cache === 'hit' ? 0 : (step.usage.inputTokens ?? 0);
    const outputTokens = gateway?.cache === 'hit' ? 0 : (step.usage.outputTokens ?? 0);
    const cost = gateway && 'costUsd' in gateway ? (gateway.costUsd ?? null) : price(session.model, { inputTokens, outputTokens });
    const messages = step.response.messages.slice(this.seenMessages);
    this.seenMessages = step.response.messages.length;
    const record: StepRecord = {
      index: this.steps,
      kind: step.toolCalls.length > 0 ? 'tool_calls' : 'text',
      payload: {
        messages: [...delivered.messages, ...messages],
        text: step.text,
        toolCalls: step.toolCalls.map((call) => ({ toolName: call.toolName, toolCallId: call.toolCallId, input: call.input })),
        toolResults: step.toolResults.map((result) => ({ toolName: result.toolName, toolCallId: result.toolCallId, output: result.output })),
        finishReason: step.finishReason,
        ...(delivered.ids.length > 0 ? { delivered: delivered.ids } : {}),
      },
      usage: { inputTokens, outputTokens, costUsd: cost },
    };
    // The session's totals (and its caps) count the call whether or not its step is persisted.
    this.totals.inputTokens += inputTokens;
    this.totals.outputTokens += outputTokens;
    this.totals.costUsd += cost ?? 0;
    this.totals.steps += 1;
    let inboxWaiting = false;
    if (outcome.completion && !outcome.final) {
      const totals = { ...this.totals, steps: this.steps + 1 };
      if (!(await recordCompletion(db, session, record, totals, outcome.completion))) {
        this.leaseLost = true;
        return undefined;
      }
      outcome.final = 'completed';
      this.completed = true;
    } else {
      const recorded = await recordStep(db, session, record);
      session.id = recorded.sessionId;
      inboxWaiting = recorded.inboxWaiting;
    }
    session.opened = true;
    this.persisted += 1;
    telemetry?.emit('agent.step', { index: record.index, toolCalls: step.toolCalls.length, inputTokens, outputTokens, durationMs: performance.now() - this.stepStarted });
    this.stepStarted = performance.now();
    return { payload: record.payload, inboxWaiting };
  }

  /**
   * Ends the session, unless its last step did (`completed`): failed, capped, interrupted,
   * stopped, or completed into review.
   */
  async finish(status: Exclude<SessionStatus, 'running'>, error: string | null): Promise<void> {
    await finishSession(this.options.db, this.options.session, status, { ...this.totals, steps: this.steps }, error);
  }
}
