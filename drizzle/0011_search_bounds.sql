DROP INDEX "emails_author_idx";--> statement-breakpoint
DROP INDEX "emails_subject_trgm_idx";--> statement-breakpoint
CREATE INDEX "emails_author_date_idx" ON "emails" USING btree ("author_id","date" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "emails_subject_trgm_idx" ON "emails" USING gist ("subject" gist_trgm_ops);