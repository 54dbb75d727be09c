import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that speaks OpenAI's Chat Completions API (POST /v1/chat/completions, plain
 * and SSE) and Anthropic's Messages API (POST /v1/messages, plain and SSE), so provider wire
 * formats are tested for real, with scripted failures: a status with headers (429 with
 * retry-after, bursts of 500s, 400, 401), a hang (timeouts), a socket reset, and a stream that
 * stops half-way. Unscripted requests get a normal answer. POST /v1/embeddings answers OpenAI's
 * embeddings format: one vector per input, of the requested `dimensions` (else 8, or the
 * length an `embeddings` step asks for, to test a model that ignores the request).
 */
export type UpstreamStep =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'cut-stream' }
  | { kind: 'embeddings'; dimensions: number }
  | { kind: 'answer'; text?: string; toolCall?: { name: string; arguments: string }; usage?: { prompt: number; completion: number; cached?: number; cacheWrite?: number } };

export interface FakeUpstream {
  url: string;
  requests: { path: string; body: Record<string, unknown>; headers: IncomingMessage['headers'] }[];
  /** Steps served in order before the default answer. */
  script(...steps: UpstreamStep[]): void;
  close(): Promise<void>;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const queue: UpstreamStep[] = [];
  const requests: FakeUpstream['requests'] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      requests.push({ path: request.url ?? '', body, headers: request.headers });
      const step = queue.shift() ?? { kind: 'answer' };
      serve(request.url ?? '', body, step, response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...steps) => queue.push(...steps),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serve(path: string, body: Record<string, unknown>, step: UpstreamStep, response: ServerResponse): void {
  if (step.kind === 'hang') return;
  if (step.kind === 'reset') {
    response.socket?.destroy();
    return;
  }
  if (step.kind === 'status') {
    response.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
    response.end(JSON.stringify(step.body ?? { error: { message: `scripted ${step.status}`, type: 'server_error' } }));
    return;
  }
  if (path.endsWith('/embeddings')) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(openAiEmbeddings(body, step.kind === 'embeddings' ? step.dimensions : undefined)));
    return;
  }
  const anthropic = path.endsWith('/messages');
  const answer = step.kind === 'answer' ? step : { kind: 'answer' as const, text: 'partial answer that never ends' };
  const text = answer.text ?? 'hello from upstream';
  const usage = answer.usage ?? { prompt: 10, completion: 5 };
  if (body.stream === true) {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const events = anthropic ? anthropicStream(text, usage) : openAiStream(text, usage, answer.toolCall);
    if (step.kind === 'cut-stream') {
      // Half the events, then the connection drops without a finish.
      for (const event of events.slice(0, Math.ceil(events.length / 2) - 1)) response.write(event);
      setTimeout(() => response.socket?.destroy(), 20);
      return;
    }
    for (const event of events) response.write(event);
    response.end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(anthropic ? anthropicMessage(text, usage) : openAiCompletion(text, usage, answer.toolCall)));
}

function openAiEmbeddings(body: Record<string, unknown>, forcedDimensions?: number) {
  const inputs = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
  const length = forcedDimensions ?? (typeof body.dimensions === 'number' ? body.dimensions : 8);
  // Deterministic and distinct per input: the text's character codes folded into the vector.
  const vector = (text: string) => Array.from({ length }, (_, index) => ((text.charCodeAt(index % Math.max(1, text.length)) || 1) % 17) / 17 + index / length);
  const tokens = inputs.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
  return { object: 'list', model: body.model, data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: vector(text) })), usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

type Usage = { prompt: number; completion: number; cached?: number; cacheWrite?: number };

function openAiCompletion(text: string, usage: Usage, toolCall?: { name: string; arguments: string }) {
  return {
    id: 'chatcmpl-upstream',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: toolCall ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: toolCall }] } : { role: 'assistant', content: text },
        finish_reason: toolCall ? 'tool_calls' : 'stop',
      },
    ],
    // OpenAI's prompt_tokens include the cached ones.
    usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion, prompt_tokens_details: { cached_tokens: usage.cached ?? 0 } },
  };
}

function openAiStream(text: string, usage: Usage, toolCall?: { name: string; arguments: string }): string[] {
  const chunk = (delta: unknown, finish: string | null = null, extra: object = {}) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-upstream', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
  const events = [chunk({ role: 'assistant', content: '' })];
  if (toolCall) events.push(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: toolCall.name, arguments: toolCall.arguments } }] }));
  else for (const word of text.split(/(?<= )/)) events.push(chunk({ content: word }));
  events.push(chunk({}, toolCall ? 'tool_calls' : 'stop'));
  events.push(`data: ${JSON.stringify({ id: 'chatcmpl-upstream', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion, prompt_tokens_details: { cached_tokens: usage.cached ?? 0 } } })}\n\n`);
  events.push('data: [DONE]\n\n');
  return events;
}

function anthropicMessage(text: string, usage: Usage) {
  return {
    id: 'msg_upstream',
    type: 'message',
    role: 'assistant',
    model: 'claude-3-5-haiku-20241022',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    // Anthropic's input_tokens exclude cache reads and writes.
    usage: { input_tokens: usage.prompt, output_tokens: usage.completion, cache_read_input_tokens: usage.cached ?? 0, cache_creation_input_tokens: usage.cacheWrite ?? 0 },
  };
}

function anthropicStream(text: string, usage: Usage): string[] {
  const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const events = [
    event('message_start', { message: { ...anthropicMessage('', usage), content: [], stop_reason: null, usage: { input_tokens: usage.prompt, output_tokens: 0, cache_read_input_tokens: usage.cached ?? 0, cache_creation_input_tokens: usage.cacheWrite ?? 0 } } }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ];
  for (const word of text.split(/(?<= )/)) events.push(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: word } }));
  events.push(event('content_block_stop', { index: 0 }));
  events.push(event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.completion } }));
  events.push(event('message_stop', {}));
  return events;
}
