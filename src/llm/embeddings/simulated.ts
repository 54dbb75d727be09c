import type { EmbeddingModelV3, EmbeddingModelV3CallOptions, EmbeddingModelV3Result } from '@ai-sdk/provider';

/**
 * A deterministic AI SDK embedding model that runs offline: each text becomes a hashed bag of
 * features (word stems, adjacent word pairs, and the character trigrams of each word), signed by
 * a second hash bit so collisions cancel rather than pile up, then L2-normalised.
 *
 * It is lexical, not semantic: texts that share words, stems or spellings ("migration",
 * "migrations", "migrate") are near; synonyms with no spelling in common ("car" and
 * "automobile") are not. It exists so that hybrid memory search, near-duplicate detection and
 * their tests run without a provider; a real embedding model is a config line away
 * (`embeddings.model`). docs/benchmarks.md#memory-search says what it buys over full text alone.
 */

export interface SimulatedEmbeddingOptions {
  /** The model id after `simulated/`. Default 'lexical'. */
  modelId?: string;
  /** Vector length. Default 512 (below about 256, hash collisions blur unrelated texts together). */
  dimensions?: number;
}

export const simulatedEmbeddingModelId = 'lexical';

// Words that carry no topic; leaving them out keeps "the" from making every text a neighbour.
const stopWords = new Set(
  'a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its me my no not of on or our she so that the their them then there these they this those to too was we were what when where which while who why will with would you your'.split(' '),
);

const weights = { word: 1, pair: 0.5, trigram: 1 };

export function createSimulatedEmbeddingModel({ modelId = simulatedEmbeddingModelId, dimensions = 512 }: SimulatedEmbeddingOptions = {}): EmbeddingModelV3 {
  if (!Number.isInteger(dimensions) || dimensions < 8) throw new RangeError(`dimensions must be an integer of at least 8, got ${dimensions}`);
  return {
    specificationVersion: 'v3',
    provider: 'simulated',
    modelId,
    maxEmbeddingsPerCall: 2_048,
    supportsParallelCalls: true,
    doEmbed({ values }: EmbeddingModelV3CallOptions): PromiseLike<EmbeddingModelV3Result> {
      const embeddings = values.map((value) => lexicalEmbedding(value, dimensions));
      // Reported like a real provider's usage (about four characters a token), so the ledger counts it.
      const tokens = values.reduce((sum, value) => sum + Math.ceil(value.length / 4), 0);
      return Promise.resolve({ embeddings, usage: { tokens }, warnings: [] });
    },
  };
}

/** The embedding of one text; the zero vector for a text with no words. */
export function lexicalEmbedding(text: string, dimensions: number): number[] {
  const vector = new Float64Array(dimensions);
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    const sign = (hash & 0x80000000) === 0 ? 1 : -1;
    vector[(hash & 0x7fffffff) % dimensions]! += sign * weight;
  };
  const stems = words(text).map(stem);
  for (const [index, word] of stems.entries()) {
    add(`w:${word}`, weights.word);
    const next = stems[index + 1];
    if (next !== undefined) add(`p:${word} ${next}`, weights.pair);
    const grams = trigrams(word);
    // Spread over the word's trigrams so a long word counts about as much as a short one.
    const share = weights.trigram / Math.sqrt(grams.length);
    for (const gram of grams) add(`t:${gram}`, share);
  }
  return normalise(vector);
}

function words(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  return (folded.match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => !stopWords.has(word));
}

/** A light suffix stripper: enough to bring plurals and verb forms together, never below 3 letters. */
function stem(word: string): string {
  for (const suffix of ['ations', 'ation', 'ings', 'ing', 'ies', 'ied', 'ers', 'er', 'es', 'ed', 'ly', 's']) {
    if (word.length - suffix.length >= 3 && word.endsWith(suffix)) {
      return suffix === 'ies' || suffix === 'ied' ? `${word.slice(0, -suffix.length)}y` : word.slice(0, -suffix.length);
    }
  }
  return word;
}

function trigrams(word: string): string[] {
  const padded = `#${word}#`;
  const grams: string[] = [];
  for (let start = 0; start + 3 <= padded.length; start++) grams.push(padded.slice(start, start + 3));
  return grams;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Scales a vector to unit length (so a dot product is the cosine); the zero vector stays zero. */
export function normalise(vector: ArrayLike<number>): number[] {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  const length = Math.sqrt(sum);
  return Array.from(vector, (value) => (length === 0 ? 0 : value / length));
}
