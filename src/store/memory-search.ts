import type { Queryable } from './database.js';
import type { MemoryKind, MemoryRow } from './memories.js';
import type { VectorStoreKind } from './vector-store.js';

/**
 * Memory search in one statement: full text, and, given the query's embedding, vector similarity,
 * fused and weighed by recency.
 *
 * Candidates are the best full-text matches (`textCandidates`) together with `candidateWindow`
 * memories embedded by the same model: the run's nearest by pgvector's `<=>` where the database
 * has pgvector, else its most recent (the `real[]` prefilter). Every candidate is then scored by
 * one expression on both paths — the dot product of the unit vectors in float8, rounded to 6
 * places — so the two paths rank alike whenever they see the same candidates, which they do for
 * any run with no more than `candidateWindow` embedded memories (the contract test proves it on
 * PGlite with and without pgvector and on PostgreSQL 15). Beyond the window, the `real[]` path
 * cannot see an old memory that shares no words with the query; pgvector can.
 *
 *   text relevance    ts_rank over the best ts_rank among the candidates (0 when no word matches)
 *   vector relevance  similarity over the best similarity, when at least `minSimilarity`, else 0
 *   relevance         text alone without a query embedding; else (1 − w)·text + w·vector
 *   score             relevance × (1 − r + r · 0.5^(age / half-life)): age takes at most r of it
 *
 * A memory with no relevance (no word matched, not similar enough) is never returned.
 */
export interface MemorySearchRow extends MemoryRow {
  text_score: number;
  similarity: number | null;
  relevance: number;
  score: number;
}

export interface MemorySearchParameters {
  runId: string;
  /** Words of the query; any may match (an OR query: agents phrase things differently). */
  words: string[];
  kinds?: readonly MemoryKind[];
  /** The query's unit embedding; absent for full-text search. */
  embedding?: { vector: readonly number[]; model: string };
  vectorStore: VectorStoreKind;
  candidateWindow: number;
  textCandidates: number;
  minSimilarity: number;
  vectorWeight: number;
  recencyWeight: number;
  recencyHalfLifeHours: number;
  limit: number;
  /** The moment ages are measured from; default the database's now(). */
  now?: Date;
}

const nearestOrder = {
  pgvector: 'm.embedding::vector <=> $5::real[]::vector, m.id',
  array: 'm.created_at DESC, m.id DESC',
} satisfies Record<VectorStoreKind, string>;

const searchSql = (vectorStore: VectorStoreKind) => `
WITH text_hits AS (
  SELECT m.id, ts_rank(m.search, to_tsquery('english', $2))::float8 AS text_score
  FROM memories m
  WHERE $2 <> '' AND m.run_id = $1 AND ($3::text[] IS NULL OR m.kind = ANY ($3::text[])) AND m.search @@ to_tsquery('english', $2)
  ORDER BY text_score DESC, m.created_at DESC, m.id
  LIMIT $4
), vector_candidates AS (
  SELECT m.id
  FROM memories m
  WHERE $5::real[] IS NOT NULL AND m.run_id = $1 AND ($3::text[] IS NULL OR m.kind = ANY ($3::text[]))
    AND m.embedding_model = $6 AND array_length(m.embedding, 1) = array_length($5::real[], 1)
  ORDER BY ${nearestOrder[vectorStore]}
  LIMIT $7
), scored AS (
  SELECT c.id, coalesce(t.text_score, 0) AS text_score,
    CASE WHEN m.embedding_model = $6 AND array_length(m.embedding, 1) = array_length($5::real[], 1) THEN
      round((SELECT sum(a::float8 * b::float8) FROM unnest(m.embedding, $5::real[]) AS pair (a, b))::numeric, 6)::float8
    END AS similarity
  FROM (SELECT id FROM text_hits UNION SELECT id FROM vector_candidates) c
  JOIN memories m ON m.id = c.id
  LEFT JOIN text_hits t ON t.id = c.id
), relevant AS (
  SELECT s.id, s.text_score, s.similarity,
    coalesce(s.text_score / nullif(max(s.text_score) OVER (), 0), 0) AS text_relevance,
    CASE WHEN s.similarity >= $8 THEN s.similarity / nullif(max(s.similarity) OVER (), 0) ELSE 0 END AS vector_relevance
  FROM scored s
), ranked AS (
  SELECT r.id, r.text_score, r.similarity,
    CASE WHEN $5::real[] IS NULL THEN r.text_relevance ELSE (1 - $9::float8) * r.text_relevance + $9::float8 * coalesce(r.vector_relevance, 0) END AS relevance
  FROM relevant r
)
SELECT m.id, m.run_id, m.task_id, m.kind, m.text, m.tags, m.created_at, r.text_score, r.similarity, r.relevance,
  r.relevance * (1 - $10::float8 + $10::float8 * power(0.5, greatest(0, extract(epoch FROM (coalesce($12::timestamptz, now()) - m.created_at)))::float8 / 3600 / $11::float8)) AS score
FROM ranked r
JOIN memories m ON m.id = r.id
WHERE r.relevance > 0
ORDER BY score DESC, m.created_at DESC, m.id
LIMIT $13`;

const statements = { pgvector: searchSql('pgvector'), array: searchSql('array') } satisfies Record<VectorStoreKind, string>;

export async function searchMemoryCandidates(db: Queryable, parameters: MemorySearchParameters): Promise<MemorySearchRow[]> {
  const tsquery = parameters.words.map((word) => `'${word}'`).join(' | ');
  const result = await db.query<MemorySearchRow>(statements[parameters.vectorStore], [
    parameters.runId,
    tsquery,
    parameters.kinds && parameters.kinds.length > 0 ? parameters.kinds : null,
    parameters.textCandidates,
    parameters.embedding ? parameters.embedding.vector : null,
    parameters.embedding?.model ?? null,
    parameters.candidateWindow,
    parameters.minSimilarity,
    parameters.vectorWeight,
    parameters.recencyWeight,
    parameters.recencyHalfLifeHours,
    parameters.now ?? null,
    parameters.limit,
  ]);
  return result.rows.map((row) => ({ ...row, text_score: Number(row.text_score), similarity: row.similarity === null ? null : Number(row.similarity), relevance: Number(row.relevance), score: Number(row.score) }));
}

/** The words of a query as the full-text search reads them: letters and digits, lower case, at most 32. */
export function queryWords(query: string): string[] {
  return (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}
