/**
 * The MCP tools that work a task: claim_task, heartbeat, get_task, create_task, complete_task,
 * fail_task. Claims carry leases like a built-in worker's (src/orchestrator/outside-agents.ts);
 * completing or failing names the claim (task id and attempt), so a late call from a claim that
 * lapsed is refused with LEASE_LOST.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { discoverTask } from '../orchestrator/agent/actions.js';
import { agentTask, claimForAgent, completeForAgent, failForAgent, heldTask, renewAgentLeases, requirePhaseTool } from '../orchestrator/outside-agents.js';
import { attempt, bothOrNeither, bothOrNeitherMessage, optionalHeld, phaseKey, summary, taskId } from './schemas.js';
import { toolCall, type ToolCallContext } from './tool-call.js';
import { agentTaskView } from './views.js';

export function registerTaskTools(server: McpServer, context: ToolCallContext): void {
  const { db, agent } = context;
  const view = (task: Parameters<typeof agentTaskView>[0]) => agentTaskView(task, agent.workerId);

  server.registerTool(
    'claim_task',
    {
      description:
        "Claim the most urgent queued task of your run (optionally in one phase). You get the task, the attempt that identifies your claim, the run's goal, the phase's instructions and done definition, and relevant memories. Your claim is a lease: any tool call renews it; if you stop calling for the lease time, the task returns to the queue.",
      inputSchema: z.strictObject({ phase: phaseKey.optional().describe('only claim a task of this phase') }),
    },
    toolCall(context, 'claim_task', { phase: 'identifier' }, async (input: { phase?: string }) => {
      const claimed = await claimForAgent(db, agent, { phase: input.phase, leaseSeconds: context.leaseSeconds, memory: context.memory, memoryBudgetTokens: context.memoryBudgetTokens });
      if (!claimed.task) {
        return { claimed: false, run_status: claimed.run.status, reason: claimed.run.status === 'running' ? 'no task is claimable now (none queued, or their phases are at their concurrency limit); try again later' : `the run is ${claimed.run.status}` };
      }
      return { claimed: true, task: view(claimed.task), attempt: claimed.task.attempt, lease_seconds: context.leaseSeconds, ...claimed.briefing };
    }),
  );

  server.registerTool(
    'heartbeat',
    { description: 'Renew the leases of every task you hold (any other tool call does too); lists them.', inputSchema: z.strictObject({}) },
    toolCall(context, 'heartbeat', {}, async () => {
      const held = await renewAgentLeases(db, agent, context.leaseSeconds);
      return { held: held.map((task) => ({ task_id: task.id, attempt: task.attempt, lease_until: new Date(task.lease_until).toISOString() })) };
    }),
  );

  server.registerTool(
    'get_task',
    { description: 'Read a task of your run: status, description, result or error, whether you hold it.', inputSchema: z.strictObject({ task_id: taskId }) },
    toolCall(context, 'get_task', { task_id: 'identifier' }, async (input: { task_id: string }) => ({ task: view(await agentTask(db, agent, input.task_id)) })),
  );

  server.registerTool(
    'create_task',
    {
      description:
        'Create a task for work you discovered, in the phase where it belongs. Name the task you hold (task_id and attempt) when its work revealed this one. A task equivalent to an existing one returns the existing task.',
      inputSchema: z
        .strictObject({
          phase: phaseKey,
          title: z.string().min(1).max(300),
          description: z.string().max(20_000).optional(),
          priority: z.number().int().min(-100).max(100).optional(),
          depends_on: z.array(taskId).max(50).optional().describe('ids of tasks that must be done first'),
          ...optionalHeld,
        })
        .refine(bothOrNeither, bothOrNeitherMessage),
    },
    toolCall(context, 'create_task', { phase: 'identifier', title: 'title', description: 'text', 'depends_on[]': 'identifier', task_id: 'identifier' }, async (input: { phase: string; title: string; description?: string; priority?: number; depends_on?: string[]; task_id?: string; attempt?: number }) => {
      const held = input.task_id ? await heldTask(db, agent, input.task_id, input.attempt!) : undefined;
      if (held) requirePhaseTool(held, 'create_task');
      return discoverTask(db, {
        runId: agent.runId,
        phase: input.phase,
        title: input.title,
        description: input.description,
        priority: input.priority,
        dependsOn: input.depends_on,
        parentTaskId: held?.task.id ?? null,
        createdBy: agent.workerId,
      });
    }),
  );

  server.registerTool(
    'complete_task',
    {
      description:
        'Mark a task you hold done, with a summary of what you did (and a structured result if you have one). In a reviewed phase a reviewer checks it first: accepted, it is done; needing work, it goes back to the queue with the feedback.',
      inputSchema: z.strictObject({ task_id: taskId, attempt, summary, result: z.unknown().optional() }),
    },
    toolCall(context, 'complete_task', { task_id: 'identifier', summary: 'text', 'result.**': 'text' }, async (input: { task_id: string; attempt: number; summary: string; result?: unknown }) => {
      const done = await completeForAgent(db, await heldTask(db, agent, input.task_id, input.attempt), input, context);
      return { task: view(done.task), ...(done.review ? { review: done.review } : {}) };
    }),
  );

  server.registerTool(
    'fail_task',
    {
      description: 'Give up on a task you hold, saying why. A retryable failure (the default) is tried again later, by you or another agent, while attempts remain.',
      inputSchema: z.strictObject({ task_id: taskId, attempt, reason: z.string().min(1).max(4_000), retryable: z.boolean().optional() }),
    },
    toolCall(context, 'fail_task', { task_id: 'identifier', reason: 'text' }, async (input: { task_id: string; attempt: number; reason: string; retryable?: boolean }) => {
      const failed = await failForAgent(db, await heldTask(db, agent, input.task_id, input.attempt), { reason: input.reason, retryable: input.retryable ?? true, retryBaseMs: context.retryBaseMs });
      return { task: view(failed), retry_scheduled: failed.status === 'queued' };
    }),
  );
}
