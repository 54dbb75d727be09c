// A zero-latency upstream speaking OpenAI's Chat Completions API, for bench/gateway. Prints its port.
import { createServer } from 'node:http';

const body = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short answer from the benchmark upstream.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 24, completion_tokens: 9, total_tokens: 33 },
});
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
