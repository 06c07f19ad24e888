-- Reverts 0016_subject_trgm_siglen.
DROP INDEX "emails_subject_trgm_idx";--> statement-breakpoint
CREATE INDEX "emails_subject_trgm_idx" ON "emails" USING gist ("subject" gist_trgm_ops);
