-- Reverts 0002_embedding_index.
DROP INDEX emails_embedding_idx;
