/**
 * /mcp: the Model Context Protocol over Streamable HTTP, where outside agents (Claude Code,
 * Codex, any MCP client) join one run with a token from `anvil agents invite`.
 *
 * Stateless: each POST gets a fresh MCP server and transport, bound to the agent its token
 * verified (src/api/security/authenticate.ts, scope `agent`). No session lives in a process, so
 * any API node behind a load balancer answers any call, and a restart loses nothing: what an
 * agent holds lives in the tasks table as leases. Answers are JSON (no SSE stream): the tools
 * answer once, and nothing is pushed from server to agent. GET (a server-to-client stream) and
 * DELETE (ending a session) answer 405, as the specification asks of a server without them.
 *
 * The web-standard transport is used rather than the Node one, so the answer goes back through
 * Fastify's reply and keeps every hook (security headers, request metrics, logging).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import type { Inspector } from '../security/inspect/index.js';
import { registerRunTools } from './run-tools.js';
import { registerTaskTools } from './task-tools.js';
import type { ToolCallContext } from './tool-call.js';

const instructions = [
  'You are an agent in an Anvil run; your token binds you to it.',
  'Work loop: claim_task → do the work (create_task for work you discover, save_memory for what others should know) → complete_task or fail_task, naming the task_id and attempt claim_task gave you.',
  'Your claim is a lease: every tool call renews it (heartbeat does nothing else). Stop calling for longer than lease_seconds and the task goes back to the queue; completing it after that is refused.',
].join('\n');

/** JSON-RPC envelope fields are identifiers; tool arguments are free text here and held to each tool's own kinds in tool-call.ts. */
const bodyKinds = {
  jsonrpc: 'identifier',
  id: 'identifier',
  method: 'identifier',
  'params.name': 'identifier',
  'params.protocolVersion': 'identifier',
  'params.**': 'text',
  'result.**': 'text',
  'error.**': 'text',
} as const;

const envelope = {
  type: 'object',
  properties: {
    jsonrpc: { const: '2.0' },
    // Left to the SDK's JSON-RPC check: the server's Ajv coerces types, so any type given here
    // would turn an id 1 into "1" (or "1" into 1) and the client could not match the answer.
    id: {},
    method: { type: 'string', minLength: 1, maxLength: 200 },
    params: { type: 'object' },
    result: { type: 'object' },
    error: { type: 'object' },
  },
  required: ['jsonrpc'],
  additionalProperties: false,
} as const;

export interface McpRouteOptions {
  runtime: Runtime;
  /** The server's input inspector (src/api/security), applied to each tool's arguments. */
  inspector: Inspector;
}

function webRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Request(`http://${request.host}${request.url}`, { method: request.method, headers });
}

async function sendWebResponse(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  reply.status(response.status);
  response.headers.forEach((value, name) => void reply.header(name, value));
  return reply.send(response.body === null ? undefined : await response.text());
}

function agentServer(context: ToolCallContext): McpServer {
  const server = new McpServer({ name: 'anvil', version: '1' }, { capabilities: { tools: {} }, instructions });
  registerTaskTools(server, context);
  registerRunTools(server, context);
  return server;
}

export function registerMcpRoutes(app: FastifyInstance, { runtime, inspector }: McpRouteOptions): void {
  if (!runtime.config.mcp.enabled) return;
  app.post(
    '/mcp',
    {
      config: { scope: 'agent', inspect: { body: bodyKinds } },
      schema: { tags: ['mcp'], summary: 'MCP over Streamable HTTP for outside agents (Authorization: Bearer anvil_agent_…)', body: envelope },
    },
    async (request, reply) => {
      const agent = request.agent!;
      const server = agentServer({
        db: runtime.db,
        agent,
        inspector,
        telemetry: runtime.telemetry,
        logger: request.log as unknown as ToolCallContext['logger'],
        leaseSeconds: runtime.config.mcp.leaseSeconds,
        retryBaseMs: runtime.config.worker.retryBaseMs,
        models: runtime.models,
        price: runtime.price,
        memory: runtime.memory,
        memoryBudgetTokens: runtime.config.memory.promptBudgetTokens,
      });
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      try {
        await server.connect(transport);
        return await sendWebResponse(reply, await transport.handleRequest(webRequest(request), { parsedBody: request.body }));
      } finally {
        await server.close();
      }
    },
  );
  const notOffered = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.status(405).header('allow', 'POST').send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server is stateless and answers POST only' }, id: null });
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({ method, url: '/mcp', config: { scope: 'agent' }, schema: { tags: ['mcp'], summary: `${method} /mcp is not offered (405): the server keeps no session or stream` }, handler: notOffered });
  }
}
