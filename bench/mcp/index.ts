/**
 * MCP benchmark: what a tool call of an outside agent costs over /mcp, where every POST builds a
 * fresh MCP server (the stateless design of src/mcp/server.ts) and verifies the agent's token in
 * the database (tokens are not cached). Beside it, in the same rounds: the REST read of the same
 * task over the same HTTP stack, and the lease renewal alone as a function call (its database
 * work). Then an outside agent working a queue: claim_task + complete_task per task.
 *
 *   npm run bench -- mcp                     (PGlite in process)
 *   npm run bench -- mcp --calls 100 --rounds 1
 *
 * Each figure is the median of `--rounds` rounds; within a round the variants run back to back,
 * so load from outside the benchmark hits them alike.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { buildServer } from '../../src/api/index.js';
import { testConfig } from '../../src/config/index.js';
import { createTask } from '../../src/orchestrator/tasks.js';
import { renewAgentLeases } from '../../src/orchestrator/outside-agents.js';
import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import { createRuntime } from '../../src/runtime.js';
import { inviteAgent, verifyAgentToken } from '../../src/security/agents/index.js';
import { machine, recordSection, table } from '../lib/report.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '300' }, tasks: { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' } } });
const calls = Number(values.calls);
const queueTasks = Number(values.tasks);
const rounds = Number(values.rounds);

const runtime = await createRuntime(testConfig({ log: { level: 'silent' }, security: { rateLimit: { enabled: false } } }));
await registerWorkflow(runtime.db, { name: 'bench-mcp', first_task: { title: 'Hold me' }, phases: [{ key: 'work', name: 'Work' }], limits: { max_tasks: 100_000 } } as never);
const run = await startRun(runtime.db, { workflow: 'bench-mcp', goal: 'measure /mcp', simulated: true });
const app = await buildServer({ runtime, dashboard: false });
const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
const { token } = await inviteAgent(runtime.db, { runId: run.id, name: 'bench', ttlSeconds: 3_600 });
const agent = (await verifyAgentToken(runtime.db, token)) as { agent: Parameters<typeof renewAgentLeases>[1] };
const client = new Client({ name: 'bench', version: '1' });
await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', baseUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
const call = async (name: string, args: Record<string, unknown> = {}) => {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  return result.structuredContent as Record<string, unknown>;
};
const held = (await call('claim_task')) as { task: { id: string }; attempt: number };

const variants: { name: string; once: () => Promise<unknown> }[] = [
  { name: 'MCP `heartbeat` (renews the lease)', once: () => call('heartbeat') },
  { name: 'MCP `get_task`', once: () => call('get_task', { task_id: held.task.id }) },
  { name: 'REST `GET /api/v1/tasks/:id` (same HTTP stack)', once: async () => (await fetch(`${baseUrl}/api/v1/tasks/${held.task.id}`)).arrayBuffer() },
  { name: 'lease renewal alone (function call, no HTTP)', once: () => renewAgentLeases(runtime.db, agent.agent, 300) },
];

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
const samples = new Map(variants.map((variant) => [variant.name, [] as number[]]));
for (let round = 0; round < rounds; round++) {
  for (const variant of variants) {
    const started = performance.now();
    for (let index = 0; index < calls; index++) await variant.once();
    samples.get(variant.name)!.push((performance.now() - started) / calls);
  }
}
const rest = median(samples.get(variants[2]!.name)!);
const callRows = variants.map((variant) => {
  const perCall = median(samples.get(variant.name)!);
  return [variant.name, perCall.toFixed(2), Math.round(1000 / perCall).toLocaleString('en'), (perCall / rest).toFixed(2)];
});

// An outside agent working a queue of tasks alone: one claim_task and one complete_task each.
// Every round's tasks exist before the held task is done, so the run does not end in between.
for (let index = 0; index < queueTasks * rounds; index++) await createTask(runtime.db, { runId: run.id, phase: 'work', title: `task ${index}`, createdBy: 'bench' });
await call('complete_task', { task_id: held.task.id, attempt: held.attempt, summary: 'held for the call figures' });
const queueRates: number[] = [];
for (let round = 0; round < rounds; round++) {
  const started = performance.now();
  for (let index = 0; index < queueTasks; index++) {
    const claimed = (await call('claim_task')) as { task: { id: string }; attempt: number };
    await call('complete_task', { task_id: claimed.task.id, attempt: claimed.attempt, summary: 'done' });
  }
  queueRates.push(queueTasks / ((performance.now() - started) / 1000));
}
await client.close();
await app.close();
await runtime.close();

console.log(`\n${machine()}\n`);
const callTable = table(['call', 'ms per call', 'calls/s', 'ratio to the REST read'], callRows);
const queueTable = table(['workload', 'tasks/s (median)', 'ms per task'], [[`${queueTasks} tasks, claim_task + complete_task each, one agent`, median(queueRates).toFixed(0), (1000 / median(queueRates)).toFixed(1)]]);
recordSection(
  'mcp',
  `## Outside agents over MCP

Rerun: \`npm run bench -- mcp\`. Machine: ${machine()}; load average ${loadavg()[0]!.toFixed(1)} when it finished (a shared machine inflates the absolute figures; compare the ratios, and rerun on a quiet machine).

Workload: PGlite in process, \`anvil serve\`'s HTTP stack on a loopback socket (inspector on, rate limit off), one agent driven by the official MCP client (\`StreamableHTTPClientTransport\`), ${calls} sequential calls per variant per round, ${rounds} rounds, median shown. Every MCP call verifies the token in the database and builds a fresh MCP server (the server is stateless, src/mcp/server.ts); the REST read of the same task over the same stack is the yardstick.

${callTable}

${queueTable}
`,
);
