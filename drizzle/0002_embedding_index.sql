-- The nearest-neighbour index on emails.embedding (cosine distance): VectorChord's vchordrq when the vchord
-- extension is installed (see 0000), else pgvector's hnsw. drizzle-kit cannot express this choice, so the index
-- is not in db/schema; its name is fixed so status checks and the down file can find it.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vchord') THEN
    CREATE INDEX emails_embedding_idx ON emails USING vchordrq (embedding vector_cosine_ops);
  ELSE
    CREATE INDEX emails_embedding_idx ON emails USING hnsw (embedding vector_cosine_ops);
  END IF;
END
$$;
