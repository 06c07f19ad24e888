-- Reverts 0020_search_pairs_index.
DROP INDEX "emails_pairs_idx";--> statement-breakpoint
DROP FUNCTION search_pairs(tsvector, tsvector);--> statement-breakpoint
DROP FUNCTION phrase_pairs(tsvector);
