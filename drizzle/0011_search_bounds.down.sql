-- Reverts 0011_search_bounds.
DROP INDEX "emails_author_date_idx";--> statement-breakpoint
DROP INDEX "emails_subject_trgm_idx";--> statement-breakpoint
CREATE INDEX "emails_author_idx" ON "emails" USING btree ("author_id");--> statement-breakpoint
CREATE INDEX "emails_subject_trgm_idx" ON "emails" USING gin ("subject" gin_trgm_ops);
