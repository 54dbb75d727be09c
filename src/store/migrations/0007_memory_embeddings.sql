-- Hybrid memory search: each memory may carry the embedding of its text, as a plain real[] so the
-- column exists on every PostgreSQL (Debian 12's PostgreSQL 15 has no pgvector package). Where the
-- pgvector extension is present the search casts it to vector for nearest-neighbour candidate
-- selection; elsewhere it compares the arrays in SQL (src/store/memory-search.ts). The model that
-- made the embedding is kept beside it: vectors of different models cannot be compared.
ALTER TABLE memories ADD COLUMN embedding real[];
ALTER TABLE memories ADD COLUMN embedding_model text;
ALTER TABLE memories ADD CONSTRAINT memories_embedding_shape
  CHECK ((embedding IS NULL) = (embedding_model IS NULL) AND (embedding IS NULL OR array_ndims(embedding) = 1));
