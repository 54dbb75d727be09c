import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A tool error as the MCP client received it: the code and message Anvil put in the result. */
export class ToolCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** An outside agent: the official MCP client over Streamable HTTP, with its token as a bearer header. */
export interface OutsideAgentClient {
  readonly client: Client;
  /** Calls a tool; resolves to its structured result, rejects with ToolCallError on a tool error. */
  call(name: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The raw result, for tests that look at the error as an MCP client sees it. */
  raw(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function connectAgent(baseUrl: string, token?: string): Promise<OutsideAgentClient> {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', baseUrl), {
    requestInit: token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'anvil-test-agent', version: '1.0.0' });
  await client.connect(transport);
  const raw = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  return {
    client,
    raw,
    async call(name, args = {}) {
      const result = await raw(name, args);
      if (result.isError) {
        const error = (result.structuredContent as { error?: { code: string; message: string } } | undefined)?.error;
        const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
        throw new ToolCallError(error?.code ?? 'TOOL_ERROR', error?.message ?? text);
      }
      return result.structuredContent as Record<string, unknown>;
    },
    close: () => client.close(),
  };
}

/** Invites an agent through the API (loopback, no keys: the local admin) and returns its token and id. */
export async function inviteOverHttp(baseUrl: string, runId: string, body: Record<string, unknown> = { name: 'outside' }, headers: Record<string, string> = {}): Promise<{ token: string; id: string; worker_id: string }> {
  const response = await fetch(new URL(`/api/v1/runs/${runId}/agents`, baseUrl), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`invite answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { token: string; id: string; worker_id: string };
}
