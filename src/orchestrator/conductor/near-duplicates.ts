import type { Logger } from 'pino';
import { cosineSimilarity, type Embedder } from '../../llm/embeddings/index.js';
import type { DuplicateCandidate } from '../../store/task-duplicates.js';
import type { ConductorSettings } from '../guardian/settings.js';
import { taskTextSimilarity, type TaskText } from './text-similarity.js';

/**
 * Finds the earlier task a new one nearly duplicates. With an embedding model, cosine similarity
 * of the embedded "title. description" against `embeddingDuplicateThreshold`; without one (or when
 * the embedding call fails), trigram text similarity against `duplicateThreshold`. Embeddings of
 * candidate tasks are kept per process (bounded), so each task's text is embedded once.
 */
export interface NearDuplicateMatch {
  candidate: DuplicateCandidate;
  score: number;
  method: 'embedding' | 'text';
  threshold: number;
}

export interface NearDuplicateFinder {
  find(task: TaskText, candidates: DuplicateCandidate[], context: { settings: ConductorSettings; runId: string }): Promise<NearDuplicateMatch | undefined>;
}

const maxCachedVectors = 5_000;

export function createNearDuplicateFinder({ embeddings, logger }: { embeddings?: Embedder; logger?: Logger } = {}): NearDuplicateFinder {
  const vectors = new Map<string, number[]>();
  const textOf = (task: TaskText) => `${task.title}. ${task.description}`.trim();

  async function embedAll(texts: string[], runId: string): Promise<number[][]> {
    const missing = [...new Set(texts.filter((text) => !vectors.has(text)))];
    if (missing.length > 0) {
      const fresh = await embeddings!.embed(missing, { runId });
      missing.forEach((text, index) => {
        if (vectors.size >= maxCachedVectors) vectors.delete(vectors.keys().next().value!);
        vectors.set(text, fresh[index]!);
      });
    }
    return texts.map((text) => vectors.get(text)!);
  }

  function best(scores: number[], candidates: DuplicateCandidate[], method: NearDuplicateMatch['method'], threshold: number): NearDuplicateMatch | undefined {
    let top = -1;
    scores.forEach((score, index) => {
      if (score >= threshold && (top === -1 || score > scores[top]!)) top = index;
    });
    return top === -1 ? undefined : { candidate: candidates[top]!, score: scores[top]!, method, threshold };
  }

  return {
    async find(task, candidates, { settings, runId }) {
      if (candidates.length === 0) return undefined;
      if (embeddings) {
        try {
          const [own, ...others] = await embedAll([textOf(task), ...candidates.map(textOf)], runId);
          return best(others.map((vector) => cosineSimilarity(own!, vector)), candidates, 'embedding', settings.embeddingDuplicateThreshold);
        } catch (error) {
          logger?.warn({ err: error, runId }, 'embedding near-duplicate check failed; using text similarity');
        }
      }
      return best(candidates.map((candidate) => taskTextSimilarity(task, candidate)), candidates, 'text', settings.duplicateThreshold);
    },
  };
}

export function duplicateReason(match: NearDuplicateMatch): string {
  const measure = match.method === 'embedding' ? 'embedding similarity' : 'text similarity';
  return `near-duplicate of task ${match.candidate.id} "${match.candidate.title}" (${measure} ${match.score.toFixed(2)} ≥ ${match.threshold})`;
}
