// Memory search quality: hybrid (full text + embeddings) against full text alone, on a fixed,
// committed set of memories and questions (dataset.ts), each question with the one memory that
// answers it. Prints the rate at which that memory ranks first, the mean reciprocal rank (MRR@10)
// and recall@5 per mode, then by how many words each question shares with its answer, and
// records them in docs/benchmarks.md.
//   npm run bench -- memory [--dimensions 512]
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { memoryDefaults } from '../../src/config/memory-schema.js';
import { testConfig } from '../../src/config/index.js';
import { createEmbedder, resolveEmbeddingModel } from '../../src/llm/embeddings/index.js';
import { createMemoryService, type MemoryService } from '../../src/orchestrator/memory.js';
import type { Database } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { detectVectorStore } from '../../src/store/vector-store.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import { startRun } from '../../src/orchestrator/runs.js';
import { machine, recordSection, table } from '../lib/report.js';
import { memories, questions, type BenchQuestion } from './dataset.js';

const { values } = parseArgs({ options: { dimensions: { type: 'string', default: String(512) } } });
const dimensions = Number(values.dimensions);
const embeddingModel = 'simulated/lexical';
const now = new Date('2026-11-26T12:00:00Z');

interface Outcome {
  question: BenchQuestion;
  /** 1-based rank of the expected memory in the top 10, or undefined. */
  rank: number | undefined;
  ms: number;
}

/** Seeds the memories into one run, an hour apart in dataset order, and asks every question in both modes. */
async function evaluate(db: Database, preference: 'auto' | 'array') {
  await migrate(db);
  const vectorStore = await detectVectorStore(db, preference);
  const embedder = createEmbedder({ resolved: resolveEmbeddingModel(embeddingModel, testConfig().llm, dimensions), dimensions });
  const hybrid = createMemoryService({ db, embedder, vectorStore, config: memoryDefaults });
  const fullText = createMemoryService({ db, vectorStore, config: memoryDefaults });
  const workflow = await registerWorkflow(db, { name: 'memory-bench', first_task: { title: 'Bench' }, phases: [{ key: 'work', name: 'Work' }] });
  const run = await startRun(db, { workflow: workflow.id, goal: 'memory benchmark', simulated: true });
  const keyOf = new Map<string, string>();
  for (const [index, memory] of memories.entries()) {
    const saved = await hybrid.save({ runId: run.id, taskId: null, kind: memory.kind, text: memory.text });
    await db.query('UPDATE memories SET created_at = $2 WHERE id = $1', [saved.id, new Date(now.getTime() - (memories.length - index) * 3_600_000)]);
    keyOf.set(saved.id, memory.key);
  }
  const ask = async (service: MemoryService): Promise<Outcome[]> => {
    const outcomes: Outcome[] = [];
    for (const question of questions) {
      const started = performance.now();
      const result = await service.search({ runId: run.id, query: question.question, limit: 10, now });
      const ms = performance.now() - started;
      const position = result.memories.findIndex((memory) => keyOf.get(memory.id) === question.expected);
      outcomes.push({ question, rank: position < 0 ? undefined : position + 1, ms });
    }
    return outcomes;
  };
  // How many of the question's words (after English stemming) its answer contains.
  const overlap = new Map<string, number>();
  for (const question of questions) {
    const text = memories.find((memory) => memory.key === question.expected)!.text;
    const shared = await db.query<{ count: number }>(
      `SELECT count(DISTINCT lexeme)::int AS count FROM unnest(tsvector_to_array(to_tsvector('english', $1))) AS lexeme
       WHERE lexeme = ANY (tsvector_to_array(to_tsvector('english', $2)))`,
      [question.question, text],
    );
    overlap.set(question.question, Number(shared.rows[0]!.count));
  }
  return { vectorStore: vectorStore.kind, overlap, fullText: await ask(fullText), hybrid: await ask(hybrid) };
}

const percent = (part: number, whole: number) => `${part}/${whole} (${((100 * part) / whole).toFixed(0)} %)`;
const topOne = (outcomes: Outcome[]) => outcomes.filter((outcome) => outcome.rank === 1).length;
const mrr = (outcomes: Outcome[]) => outcomes.reduce((sum, outcome) => sum + (outcome.rank ? 1 / outcome.rank : 0), 0) / outcomes.length;
const recallAt5 = (outcomes: Outcome[]) => outcomes.filter((outcome) => outcome.rank !== undefined && outcome.rank <= 5).length;
const medianMs = (outcomes: Outcome[]) => {
  const sorted = outcomes.map((outcome) => outcome.ms).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!.toFixed(1);
};

const withVector = await openPglite({ dataDir: 'memory://', pgvector: true });
const withArrays = await openPglite({ dataDir: 'memory://' });
let pgvector: Awaited<ReturnType<typeof evaluate>>;
let arrays: Awaited<ReturnType<typeof evaluate>>;
try {
  pgvector = await evaluate(withVector, 'auto');
  arrays = await evaluate(withArrays, 'auto');
} finally {
  await withVector.close();
  await withArrays.close();
}
const ranks = (result: typeof pgvector) => JSON.stringify([result.fullText.map((o) => o.rank), result.hybrid.map((o) => o.rank)]);
const storesAgree = ranks(pgvector) === ranks(arrays);

const { fullText, hybrid } = pgvector;
const total = questions.length;
const summary = table(
  ['mode', 'right memory first', 'MRR@10', 'in the top 5', `median ms per search (${pgvector.vectorStore})`, `median ms (${arrays.vectorStore})`],
  [
    ['full text', percent(topOne(fullText), total), mrr(fullText).toFixed(3), percent(recallAt5(fullText), total), medianMs(fullText), medianMs(arrays.fullText)],
    [`hybrid (${embeddingModel}, ${dimensions} dimensions)`, percent(topOne(hybrid), total), mrr(hybrid).toFixed(3), percent(recallAt5(hybrid), total), medianMs(hybrid), medianMs(arrays.hybrid)],
  ],
);
console.log('');
const groups = [
  { label: 'no word in common', test: (shared: number) => shared === 0 },
  { label: 'one word in common', test: (shared: number) => shared === 1 },
  { label: 'two or more', test: (shared: number) => shared >= 2 },
];
const byOverlap = table(
  ['question shares with its answer (stemmed)', 'questions', 'full text: first', 'hybrid: first', 'full text: MRR@10', 'hybrid: MRR@10'],
  groups.map(({ label, test }) => {
    const pick = (outcomes: Outcome[]) => outcomes.filter((outcome) => test(pgvector.overlap.get(outcome.question.question)!));
    const count = pick(fullText).length;
    if (count === 0) return [label, 0, '—', '—', '—', '—'];
    return [label, count, percent(topOne(pick(fullText)), count), percent(topOne(pick(hybrid)), count), mrr(pick(fullText)).toFixed(3), mrr(pick(hybrid)).toFixed(3)];
  }),
);
console.log(`\npgvector and real[] ranked every question alike: ${storesAgree ? 'yes' : 'NO'}`);
const misses = table(
  ['question', 'expected', 'stemmed words shared', 'full text rank', 'hybrid rank'],
  questions.map((question, index) => [question.question, question.expected, pgvector.overlap.get(question.question)!, fullText[index]!.rank ?? '—', hybrid[index]!.rank ?? '—']),
);

const command = ['npm run bench -- memory', ...process.argv.slice(2)].join(' ');
recordSection(
  'memory',
  `## Memory search

Hybrid search (full text and embeddings, weighed by recency) against full text alone, on a fixed
set of ${memories.length} memories of a web service's agents and ${total} questions, each with the one memory
that answers it (\`bench/memory/dataset.ts\`, written by hand and never tuned against). All
memories sit in one run, an hour apart; both modes use the same recency weighting and the
default \`memory.*\` settings. "Right memory first" is the rate at which the expected memory ranks
first; MRR@10 is the mean of 1/rank (0 when it is not in the top 10).

- Command: \`${command}\`
- Machine: ${machine()}; the machine was shared and loaded while this ran, so the milliseconds
  are noisy (compare the two modes within one run; rerun on a quiet machine for absolute numbers).
- Stores: PGlite with pgvector and PGlite with \`real[]\` ranked every question alike: ${storesAgree ? 'yes' : '**no**'}.

${summary}

By how many words (after English stemming, as full text sees them) each question shares with
its answer — measured, not labelled:

${byOverlap}

The embedding model here is \`simulated/lexical\`, the offline model: hashed word stems, word pairs
and character trigrams. It is lexical, not semantic, so what hybrid gains here comes from word
forms and spellings that full text misses, and from ranking by the whole text rather than by the
words that happen to match; paraphrases with no word or spelling in common stay out of reach of both. Most questions
here share words with their answer, so full text is already strong on this set; the set is
small, and one question moves a rate by about 3 points.
No embedding model that runs on this machine without downloading weights was found, so a semantic
model (\`openai/text-embedding-3-small\`, or any OpenAI-compatible embeddings server) could not be
measured here; with one, questions sharing no word with their answer are where the difference
should grow.

Hybrid search costs more per search: the question is embedded, and each candidate's similarity
is computed in SQL by \`unnest\` over its \`real[]\` (the same expression on both stores, which
is what makes them rank alike; pgvector only chooses the candidates). At ${memories.length} memories that is
about ${memories.length} × ${dimensions} products per search, in PGlite's WebAssembly here.

<details><summary>Rank of the expected memory per question (— : not in the top 10)</summary>

${misses}

</details>`,
);
