// The practical limit for Node here: a bare Fastify + undici pass-through proxy that forwards the
// body to the upstream and streams its answer back, with no parsing. Prints its port.
import Fastify from 'fastify';
import { Pool } from 'undici';

const upstream = process.argv[2]!;
const pool = new Pool(upstream, { connections: 512, pipelining: 1 });
const app = Fastify({ logger: false });
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/v1/chat/completions', async (request, reply) => {
  const answer = await pool.request({ path: '/v1/chat/completions', method: 'POST', body: request.body as Buffer, headers: { 'content-type': 'application/json' } });
  reply.status(answer.statusCode).header('content-type', 'application/json');
  return reply.send(answer.body);
});
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${(app.server.address() as { port: number }).port}\n`);
