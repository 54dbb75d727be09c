/**
 * The MCP tools that work on the run as a whole, or ask for help: get_run_status, save_memory,
 * search_memory, submit_result, ask_human. All are bound to the token's run; none takes a run id.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { saveRunMemory, searchRunMemory } from '../orchestrator/agent/actions.js';
import { maxQuestionLength } from '../orchestrator/human/questions.js';
import { askForAgent, heldTask, renewAgentLeases, requirePhaseTool } from '../orchestrator/outside-agents.js';
import { submitResult } from '../orchestrator/review/result.js';
import { describeRun } from '../orchestrator/run-summary.js';
import { getRun } from '../orchestrator/runs.js';
import { memoryKinds } from '../store/memories.js';
import { attempt, bothOrNeither, bothOrNeitherMessage, optionalHeld, summary, taskId } from './schemas.js';
import { toolCall, type ToolCallContext } from './tool-call.js';

export function registerRunTools(server: McpServer, context: ToolCallContext): void {
  const { db, agent } = context;

  server.registerTool(
    'get_run_status',
    { description: "Your run: its goal, status, task counts per phase and status, result, and the tasks you hold.", inputSchema: z.strictObject({}) },
    toolCall(context, 'get_run_status', {}, async () => {
      const run = await describeRun(db, await getRun(db, agent.runId));
      const held = await renewAgentLeases(db, agent, context.leaseSeconds);
      return { run, you: { name: agent.name, held: held.map((task) => ({ task_id: task.id, attempt: task.attempt })) } };
    }),
  );

  server.registerTool(
    'save_memory',
    {
      description: 'Save something other agents in this run should know (a discovery, decision, error fix, warning or learning). Name the task you hold when it came from that work.',
      inputSchema: z
        .strictObject({ kind: z.enum(memoryKinds), text: z.string().min(1).max(4_000), tags: z.array(z.string().min(1).max(50)).max(20).optional(), ...optionalHeld })
        .refine(bothOrNeither, bothOrNeitherMessage),
    },
    toolCall(context, 'save_memory', { kind: 'identifier', text: 'text', 'tags[]': 'name', task_id: 'identifier' }, async (input: { kind: (typeof memoryKinds)[number]; text: string; tags?: string[]; task_id?: string; attempt?: number }) => {
      const held = input.task_id ? await heldTask(db, agent, input.task_id, input.attempt!) : undefined;
      if (held) requirePhaseTool(held, 'save_memory');
      return saveRunMemory(context.memory, { runId: agent.runId, taskId: held?.task.id ?? null, kind: input.kind, text: input.text, tags: input.tags });
    }),
  );

  server.registerTool(
    'search_memory',
    {
      description: "Search this run's saved memories, best first (full text, plus meaning where an embedding model is configured; recent ones weigh more).",
      inputSchema: z.strictObject({
        query: z.string().min(1).max(1_000),
        kinds: z.array(z.enum(memoryKinds)).max(memoryKinds.length).optional().describe('only memories of these kinds'),
        limit: z.number().int().min(1).max(20).optional(),
      }),
    },
    toolCall(context, 'search_memory', { query: 'text', 'kinds[]': 'identifier' }, async (input: { query: string; kinds?: (typeof memoryKinds)[number][]; limit?: number }) =>
      searchRunMemory(db, context.memory, { runId: agent.runId, taskId: null, query: input.query, kinds: input.kinds, limit: input.limit ?? 5 }),
    ),
  );

  server.registerTool(
    'submit_result',
    {
      description:
        "Submit the run's result, the answer to its goal, from a task you hold whose phase offers submit_result. When the workflow reviews results, a rejected one comes back with feedback (accepted: false) to submit again.",
      inputSchema: z.strictObject({ task_id: taskId, attempt, summary, result: z.unknown().optional() }),
    },
    toolCall(context, 'submit_result', { task_id: 'identifier', summary: 'text', 'result.**': 'text' }, async (input: { task_id: string; attempt: number; summary: string; result?: unknown }) => {
      const held = await heldTask(db, agent, input.task_id, input.attempt);
      requirePhaseTool(held, 'submit_result');
      return submitResult({ db, models: context.models, price: context.price, task: held.task, summary: input.summary, result: input.result });
    }),
  );

  server.registerTool(
    'ask_human',
    {
      description:
        'Ask a person a question you cannot answer yourself, about a task you hold. The task waits for the answer and your claim ends; once answered the task is queued again, and whoever claims it next (claim_task) gets the answer in its briefing.',
      inputSchema: z.strictObject({ task_id: taskId, attempt, question: z.string().min(1).max(maxQuestionLength) }),
    },
    toolCall(context, 'ask_human', { task_id: 'identifier', question: 'text' }, async (input: { task_id: string; attempt: number; question: string }) => {
      const held = await heldTask(db, agent, input.task_id, input.attempt);
      requirePhaseTool(held, 'ask_human');
      return { ...(await askForAgent(db, held, input.question)) };
    }),
  );
}
