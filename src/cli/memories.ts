/**
 * `anvil memories search RUN QUERY [--kind K]… [--limit N] [--json]`: a run's memories best
 * first, as GET /api/v1/memories/search answers (hybrid with an embedding model, full text alone
 * without one; the first line says which). `anvil memories list [--run RUN] [--kind K]`: the
 * newest. Both read the database directly: with the embedded database, stop `anvil serve` first
 * (one process holds the folder) or call the API.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { MemorySearchResult } from '../orchestrator/memory.js';
import { createRuntime } from '../runtime.js';
import { listMemories, memoryKinds, type MemoryKind } from '../store/memories.js';
import { configFrom, parseIntegerOption, runCommand } from './context.js';

const collectKind = (value: string, previous: MemoryKind[] = []): MemoryKind[] => {
  if (!(memoryKinds as readonly string[]).includes(value)) throw new InvalidArgumentError(`--kind: expected one of ${memoryKinds.join(', ')}, got "${value}"`);
  return [...previous, value as MemoryKind];
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const runId = (value: string): string => {
  if (!uuidPattern.test(value)) throw new InvalidArgumentError(`RUN: expected a run id (a UUID), got "${value}"`);
  return value;
};

export function registerMemoriesCommand(program: Command): void {
  const memories = program.command('memories').description('search and list what agents saved for each other');
  memories
    .command('search')
    .description('a run’s memories most relevant to QUERY, best first (hybrid or full text, as the first line says)')
    .argument('<run>', 'run id', runId)
    .argument('<query>', 'what to look for')
    .option('--kind <kind>', `only this kind (repeatable): ${memoryKinds.join(', ')}`, collectKind)
    .option('--limit <n>', 'at most this many (1–100)', parseIntegerOption('limit'), 10)
    .option('--json', 'print the answer as JSON')
    .action((run: string, query: string, options: { kind?: MemoryKind[]; limit: number; json?: boolean }) =>
      runCommand(async () => {
        if (options.limit < 1 || options.limit > 100) throw new InvalidArgumentError(`--limit: expected 1 to 100, got ${options.limit}`);
        const runtime = await createRuntime(configFrom(program), { role: 'cli', logDestination: process.stderr });
        try {
          const result = await runtime.memory.search({ runId: run, query, kinds: options.kind, limit: options.limit });
          process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatSearch(result));
        } finally {
          await runtime.close();
        }
      }),
    );
  memories
    .command('list')
    .description('the newest memories, of one run or all')
    .option('--run <id>', 'only this run', runId)
    .option('--kind <kind>', `only this kind: ${memoryKinds.join(', ')}`, (value: string) => collectKind(value)[0]!)
    .option('--limit <n>', 'at most this many (1–200)', parseIntegerOption('limit'), 20)
    .option('--json', 'print the list as JSON')
    .action((options: { run?: string; kind?: MemoryKind; limit: number; json?: boolean }) =>
      runCommand(async () => {
        if (options.limit < 1 || options.limit > 200) throw new InvalidArgumentError(`--limit: expected 1 to 200, got ${options.limit}`);
        const runtime = await createRuntime(configFrom(program), { role: 'cli', logDestination: process.stderr });
        try {
          const rows = await listMemories(runtime.db, { runId: options.run, kind: options.kind, limit: options.limit });
          process.stdout.write(options.json ? `${JSON.stringify(rows, null, 2)}\n` : rows.map((row) => `${row.created_at.toISOString()}  [${row.kind}]  ${row.text}\n`).join(''));
        } finally {
          await runtime.close();
        }
      }),
    );
}

export function formatSearch(result: MemorySearchResult): string {
  const mode = result.mode === 'hybrid' ? `hybrid: full text and ${result.embeddingModel} embeddings (vectors in ${result.vectorStore})` : 'full text only';
  const head = `search: ${mode}${result.degraded ? ` — ${result.degraded}` : ''}\n`;
  if (result.memories.length === 0) return `${head}no memory matches\n`;
  return head + result.memories.map((memory) => `${memory.score.toFixed(3)}  [${memory.kind}]  ${memory.text}  (${memory.id})\n`).join('');
}
