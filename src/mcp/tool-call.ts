/**
 * Every MCP tool call passes here: the caller's leases are renewed (so any call is a heartbeat),
 * the arguments are held to the input inspector with the tool's field kinds, and the handler's
 * answer becomes an MCP tool result. Errors Anvil raises on purpose (a lost lease, a task of
 * another run, a limit) come back as tool errors naming the code and the reason, so the agent
 * can correct itself; anything else is logged under the request id and reported without detail.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import { AnvilError, isAnvilError } from '../errors.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { ModelSource, PriceFunction } from '../orchestrator/agent/session.js';
import type { MemoryService } from '../orchestrator/memory.js';
import { renewAgentLeases, type OutsideAgent } from '../orchestrator/outside-agents.js';
import type { FieldKindMap, Inspector } from '../security/inspect/index.js';
import type { Database } from '../store/database.js';

export interface ToolCallContext {
  db: Database;
  agent: OutsideAgent;
  inspector: Inspector;
  telemetry: Telemetry;
  logger: Logger;
  leaseSeconds: number;
  retryBaseMs: number;
  /** For the reviewers a completion or a result may call (through the gateway, like every model call). */
  models: ModelSource;
  price: PriceFunction;
  /** The run's memories: hybrid search where an embedding model is configured. */
  memory: MemoryService;
  /** Tokens of the most relevant memories a claim's briefing carries (memory.promptBudgetTokens). */
  memoryBudgetTokens: number;
}

export function toolResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

export function toolError(code: string, message: string, details?: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: `${code}: ${message}` }], structuredContent: { error: { code, message, ...(details ? { details } : {}) } }, isError: true };
}

/**
 * Wraps a tool handler. `fields` names the inspector kind of each argument that is free text or
 * an identifier; identifiers are also held to their zod pattern before this runs.
 */
export function toolCall<Input extends Record<string, unknown>>(context: ToolCallContext, name: string, fields: FieldKindMap, handler: (input: Input) => Promise<Record<string, unknown>>) {
  return async (input: Input): Promise<CallToolResult> => {
    try {
      await renewAgentLeases(context.db, context.agent, context.leaseSeconds);
      const verdict = context.inspector.inspectObject(input, fields, { route: `mcp ${name}`, defaultKind: 'text' });
      if (verdict.limit) throw new AnvilError(verdict.limit.code, `arguments.${verdict.limit.field} exceeds the limit of ${verdict.limit.limit}`, { field: `arguments.${verdict.limit.field}` });
      for (const finding of verdict.findings) context.telemetry.emit('inspector.rejection', { rule: finding.rule, detectOnly: !verdict.blocked });
      if (verdict.blocked) {
        const first = verdict.findings[0]!;
        throw new AnvilError('INPUT_REJECTED', `arguments.${first.field} was rejected by rule ${first.rule}`, { field: `arguments.${first.field}`, rule: first.rule });
      }
      return toolResult(await handler(input));
    } catch (error) {
      if (isAnvilError(error) && error.statusCode < 500) return toolError(error.code, error.message, error.details);
      context.logger.error({ err: error, tool: name, agentId: context.agent.id }, 'MCP tool failed');
      return toolError('INTERNAL', `${name} failed unexpectedly; the server log has the details`);
    }
  };
}
