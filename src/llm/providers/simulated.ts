import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { nextAgentTurn, type SimulatedTurn } from './simulated/agent.js';
import { chatJson, chatText } from './simulated/chat.js';
import { judgeTranscript } from './simulated/guardian.js';
import { lastUserText, readAgentContext, readAgentHistory } from './simulated/context.js';
import { createSeededRandom, hashHex } from './simulated/random.js';
import { readReviewContext, reviewTurn } from './simulated/review.js';
import { simulatedUsage, waitFor } from './simulated/usage.js';

/**
 * A deterministic AI SDK language model that plays an agent through the real tool protocol, so
 * Anvil runs end to end offline with no API key. With an <anvil-context> block in the system
 * prompt it follows the script in simulated/agent.ts; without one it answers plain chat, or, as
 * `simulated/guardian`, judges the session transcript it is given (simulated/guardian.ts). Every
 * text it writes starts with "[simulated]".
 */

export interface SimulatedModelOptions {
  /** The model id after `simulated/`. Default 'agent'. */
  modelId?: string;
  /** Seed for every choice the model makes. Default 42. */
  seed?: number;
  /** Delay before each answer, ±20 % seeded jitter; aborts honour the call's signal. Default 0. */
  latencyMs?: number;
  /** Chance (0..1) that a task attempt reports a retryable failure; never the last attempt. Default 0.1. */
  failureRate?: number;
  /** Input tokens reported per call, ±10 % seeded jitter. Default 600. */
  inputTokens?: number;
  /** Output tokens reported per call, ±10 % seeded jitter. Default 120. */
  outputTokens?: number;
}

export const simulatedProviderId = 'simulated';

interface SimulatedAnswer {
  requestKey: string;
  text: string;
  toolCall?: { toolCallId: string; toolName: string; input: string };
}

class SimulatedLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = simulatedProviderId;
  readonly modelId: string;
  readonly supportedUrls = {};
  readonly #settings: Required<SimulatedModelOptions>;

  constructor(settings: Required<SimulatedModelOptions>) {
    this.modelId = settings.modelId;
    this.#settings = settings;
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const answer = await this.#answer(options);
    const content: LanguageModelV3Content[] = [{ type: 'text', text: answer.text }];
    if (answer.toolCall) content.push({ type: 'tool-call', ...answer.toolCall });
    return {
      content,
      finishReason: finishReasonOf(answer),
      usage: this.#usage(answer),
      response: { id: `sim-${hashHex(this.#settings.seed, answer.requestKey)}`, modelId: this.modelId },
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const answer = await this.#answer(options);
    const parts: LanguageModelV3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: `sim-${hashHex(this.#settings.seed, answer.requestKey)}`, modelId: this.modelId },
      { type: 'text-start', id: 'text-0' },
      ...(answer.text.match(/\S+\s*/g) ?? []).map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 'text-0', delta })),
      { type: 'text-end', id: 'text-0' },
    ];
    if (answer.toolCall) {
      const { toolCallId, toolName, input } = answer.toolCall;
      parts.push(
        { type: 'tool-input-start', id: toolCallId, toolName },
        { type: 'tool-input-delta', id: toolCallId, delta: input },
        { type: 'tool-input-end', id: toolCallId },
        { type: 'tool-call', ...answer.toolCall },
      );
    }
    parts.push({ type: 'finish', finishReason: finishReasonOf(answer), usage: this.#usage(answer) });
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
    return { stream };
  }

  async #answer(options: LanguageModelV3CallOptions): Promise<SimulatedAnswer> {
    const { seed, latencyMs } = this.#settings;
    const answer = this.#decide(options);
    const unit = createSeededRandom(seed, 'latency', answer.requestKey).next();
    await waitFor(Math.round(latencyMs * (0.8 + unit * 0.4)), options.abortSignal);
    return answer;
  }

  #decide(options: LanguageModelV3CallOptions): SimulatedAnswer {
    const { seed, failureRate } = this.#settings;
    // `simulated/guardian` judges the session transcript it is given (simulated/guardian.ts).
    if (this.modelId === 'guardian' && !readAgentContext(options.prompt)) {
      const userText = lastUserText(options.prompt);
      return { requestKey: `guardian:${userText}`, text: JSON.stringify(judgeTranscript(userText)) };
    }
    const toolNames = new Set(options.toolChoice?.type === 'none' ? [] : (options.tools ?? []).map((tool) => tool.name));
    const review = readReviewContext(options.prompt);
    if (review) {
      const requestKey = `review:${review.subject}:${review.run_id}:${review.task_id}:${review.round}`;
      return this.#toAnswer(requestKey, reviewTurn(review, toolNames));
    }
    const context = readAgentContext(options.prompt);
    if (!context) {
      const userText = lastUserText(options.prompt);
      const text = options.responseFormat?.type === 'json' ? chatJson(seed, userText, options.responseFormat.schema) : chatText(seed, userText);
      return { requestKey: `chat:${this.modelId}:${userText}`, text };
    }
    const history = readAgentHistory(options.prompt);
    const requestKey = `agent:${context.run_id}:${context.task_id}:${context.attempt}:${history.step}`;
    const turn: SimulatedTurn = nextAgentTurn({ context, history, toolNames, seed, failureRate });
    return this.#toAnswer(requestKey, turn);
  }

  #toAnswer(requestKey: string, turn: SimulatedTurn): SimulatedAnswer {
    if (!turn.toolCall) return { requestKey, text: turn.text };
    const toolCall = { toolCallId: `call_${hashHex(this.#settings.seed, requestKey)}`, toolName: turn.toolCall.toolName, input: JSON.stringify(turn.toolCall.input) };
    return { requestKey, text: turn.text, toolCall };
  }

  #usage(answer: SimulatedAnswer): LanguageModelV3Usage {
    const { seed, inputTokens, outputTokens } = this.#settings;
    return simulatedUsage({ seed, requestKey: answer.requestKey, inputTokens, outputTokens });
  }
}

function finishReasonOf(answer: SimulatedAnswer): LanguageModelV3FinishReason {
  return answer.toolCall ? { unified: 'tool-calls', raw: 'tool_calls' } : { unified: 'stop', raw: 'stop' };
}

export function createSimulatedModel({
  modelId = 'agent',
  seed = 42,
  latencyMs = 0,
  failureRate = 0.1,
  inputTokens = 600,
  outputTokens = 120,
}: SimulatedModelOptions = {}): LanguageModelV3 {
  return new SimulatedLanguageModel({ modelId, seed, latencyMs, failureRate, inputTokens, outputTokens });
}
