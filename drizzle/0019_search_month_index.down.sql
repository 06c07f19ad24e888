-- Reverts 0019_search_month_index.
DROP INDEX "emails_lex_ts_idx";--> statement-breakpoint
DROP INDEX "emails_body_ts_idx";--> statement-breakpoint
CREATE INDEX "emails_lex_ts_idx" ON "emails" USING gin ("lex_ts");--> statement-breakpoint
CREATE INDEX "emails_body_ts_idx" ON "emails" USING gin ("body_ts");--> statement-breakpoint
DROP FUNCTION search_bucket(bigint, timestamptz);--> statement-breakpoint
DROP FUNCTION search_month(timestamptz);--> statement-breakpoint
DROP EXTENSION IF EXISTS btree_gin;
