import type { JSONSchema7, LanguageModelV3CallOptions, LanguageModelV3FunctionTool, LanguageModelV3Message, LanguageModelV3Prompt, LanguageModelV3ToolChoice } from '@ai-sdk/provider';
import { AnvilError } from '../../errors.js';

/**
 * OpenAI Chat Completions request → AI SDK call options. The supported subset is listed in
 * docs/openai-compatibility.md; anything outside it is a 400 naming the parameter, never dropped
 * silently. `user` and `metadata` are accepted and not forwarded (tracking fields that do not
 * change the answer; they are also left out of the cache key).
 */
export interface ChatRequest {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  call: LanguageModelV3CallOptions;
}

const supported = new Set([
  'model', 'messages', 'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stop', 'presence_penalty', 'frequency_penalty',
  'seed', 'tools', 'tool_choice', 'response_format', 'stream', 'stream_options', 'user', 'metadata', 'n', 'parallel_tool_calls', 'logprobs',
]);

const unsupportedReasons: Record<string, string> = {
  logit_bias: 'logit_bias is not supported',
  top_logprobs: 'logprobs are not supported',
  functions: 'the legacy functions parameter is not supported; use tools',
  function_call: 'the legacy function_call parameter is not supported; use tool_choice',
  audio: 'audio output is not supported',
  modalities: 'modalities other than text are not supported',
  prediction: 'predicted outputs are not supported',
  service_tier: 'service_tier is not supported',
  store: 'store is not supported',
  reasoning_effort: 'reasoning_effort is not supported',
  web_search_options: 'web search is not supported',
};

export function unsupported(parameter: string, message: string): AnvilError {
  return new AnvilError('UNSUPPORTED_PARAMETER', message, { param: parameter });
}

function invalid(parameter: string, message: string): AnvilError {
  return new AnvilError('VALIDATION_FAILED', message, { param: parameter });
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalNumber(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw invalid(name, `${name} must be a number between ${min} and ${max}`);
  return value;
}

export function parseChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) throw invalid('body', 'the request body must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!supported.has(key)) throw unsupported(key, unsupportedReasons[key] ?? `unrecognized request argument supplied: ${key}`);
  }
  if (typeof body.model !== 'string' || body.model === '') throw invalid('model', 'model is required: a provider/model name from GET /v1/models');
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw unsupported('n', 'n must be 1: several choices per request are not supported');
  if (body.logprobs === true) throw unsupported('logprobs', 'logprobs are not supported');
  if (body.parallel_tool_calls === false) throw unsupported('parallel_tool_calls', 'parallel_tool_calls: false is not supported');
  const stream = body.stream === true;
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && (!isObject(streamOptions) || Object.keys(streamOptions).some((key) => key !== 'include_usage'))) {
    throw unsupported('stream_options', 'stream_options supports include_usage only');
  }
  const maxTokens = optionalNumber(body, 'max_completion_tokens', 1, 10_000_000) ?? optionalNumber(body, 'max_tokens', 1, 10_000_000);
  const stop = body.stop === undefined || body.stop === null ? undefined : typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (stop !== undefined && (!Array.isArray(stop) || stop.some((item) => typeof item !== 'string'))) throw invalid('stop', 'stop must be a string or a list of strings');
  const seed = body.seed;
  if (seed !== undefined && seed !== null && !Number.isInteger(seed)) throw invalid('seed', 'seed must be an integer');

  const tools = parseTools(body.tools);
  const call: LanguageModelV3CallOptions = {
    prompt: parseMessages(body.messages),
    temperature: optionalNumber(body, 'temperature', 0, 2),
    topP: optionalNumber(body, 'top_p', 0, 1),
    maxOutputTokens: maxTokens,
    presencePenalty: optionalNumber(body, 'presence_penalty', -2, 2),
    frequencyPenalty: optionalNumber(body, 'frequency_penalty', -2, 2),
    stopSequences: stop as string[] | undefined,
    seed: (seed as number | null | undefined) ?? undefined,
    tools,
    toolChoice: parseToolChoice(body.tool_choice, tools),
    responseFormat: parseResponseFormat(body.response_format),
  };
  return { model: body.model, stream, includeUsage: stream && isObject(streamOptions) && streamOptions.include_usage === true, call };
}

function textOf(content: unknown, where: string): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part, index) => {
        if (isObject(part) && part.type === 'text' && typeof part.text === 'string') return part.text;
        throw unsupported(`${where}[${index}]`, `${where}[${index}]: only text content parts are supported`);
      })
      .join('');
  }
  if (content === null || content === undefined) return '';
  throw invalid(where, `${where} must be a string or a list of text parts`);
}

function parseMessages(messages: unknown): LanguageModelV3Prompt {
  if (!Array.isArray(messages) || messages.length === 0) throw invalid('messages', 'messages must be a non-empty list');
  const toolNames = new Map<string, string>();
  return messages.map((message, index): LanguageModelV3Message => {
    const where = `messages[${index}]`;
    if (!isObject(message)) throw invalid(where, `${where} must be an object`);
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(message.content, `${where}.content`) };
      case 'user':
        return { role: 'user', content: [{ type: 'text', text: textOf(message.content, `${where}.content`) }] };
      case 'assistant': {
        const content: Extract<LanguageModelV3Message, { role: 'assistant' }>['content'] = [];
        const text = textOf(message.content, `${where}.content`);
        if (text !== '') content.push({ type: 'text', text });
        const calls = message.tool_calls;
        if (calls !== undefined && calls !== null) {
          if (!Array.isArray(calls)) throw invalid(`${where}.tool_calls`, `${where}.tool_calls must be a list`);
          calls.forEach((call, callIndex) => {
            const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
            if (!isObject(call) || typeof call.id !== 'string' || !fn || typeof fn.name !== 'string' || typeof fn.arguments !== 'string') {
              throw invalid(`${where}.tool_calls[${callIndex}]`, `${where}.tool_calls[${callIndex}] must have an id and a function with a name and arguments`);
            }
            toolNames.set(call.id, fn.name);
            let input: unknown;
            try {
              input = JSON.parse(fn.arguments || '{}');
            } catch {
              input = fn.arguments;
            }
            content.push({ type: 'tool-call', toolCallId: call.id, toolName: fn.name, input });
          });
        }
        return { role: 'assistant', content };
      }
      case 'tool': {
        if (typeof message.tool_call_id !== 'string') throw invalid(`${where}.tool_call_id`, `${where}.tool_call_id is required`);
        const toolName = toolNames.get(message.tool_call_id);
        if (!toolName) throw invalid(`${where}.tool_call_id`, `${where}.tool_call_id matches no earlier assistant tool call`);
        return { role: 'tool', content: [{ type: 'tool-result', toolCallId: message.tool_call_id, toolName, output: { type: 'text', value: textOf(message.content, `${where}.content`) } }] };
      }
      default:
        throw invalid(`${where}.role`, `${where}.role must be system, developer, user, assistant or tool`);
    }
  });
}

function parseTools(tools: unknown): LanguageModelV3FunctionTool[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw invalid('tools', 'tools must be a list');
  return tools.map((tool, index) => {
    const fn = isObject(tool) && isObject(tool.function) ? tool.function : undefined;
    if (!isObject(tool) || tool.type !== 'function' || !fn || typeof fn.name !== 'string') {
      throw unsupported(`tools[${index}]`, `tools[${index}]: only function tools with a name are supported`);
    }
    return {
      type: 'function',
      name: fn.name,
      description: typeof fn.description === 'string' ? fn.description : undefined,
      inputSchema: (isObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} }) as JSONSchema7,
      strict: typeof fn.strict === 'boolean' ? fn.strict : undefined,
    };
  });
}

function parseToolChoice(choice: unknown, tools: LanguageModelV3FunctionTool[] | undefined): LanguageModelV3ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string') {
    if (!tools?.some((tool) => tool.name === (choice.function as { name: string }).name)) throw invalid('tool_choice', 'tool_choice names a function that is not in tools');
    return { type: 'tool', toolName: choice.function.name };
  }
  throw invalid('tool_choice', 'tool_choice must be auto, none, required or {"type":"function","function":{"name":…}}');
}

function parseResponseFormat(format: unknown): LanguageModelV3CallOptions['responseFormat'] {
  if (format === undefined || format === null) return undefined;
  if (!isObject(format)) throw invalid('response_format', 'response_format must be an object');
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json' };
  if (format.type === 'json_schema' && isObject(format.json_schema)) {
    const spec = format.json_schema;
    return { type: 'json', schema: isObject(spec.schema) ? (spec.schema as JSONSchema7) : undefined, name: typeof spec.name === 'string' ? spec.name : undefined, description: typeof spec.description === 'string' ? spec.description : undefined };
  }
  throw unsupported('response_format', 'response_format.type must be text, json_object or json_schema');
}
