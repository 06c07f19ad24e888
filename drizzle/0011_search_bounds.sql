-- Search bounded at lore's sizes (db/queries/search.ts): an author's messages newest first, the subject trigram
-- index as GiST for nearest-subject (fuzzy) scans, and dfn:'s paths kept with the row. Adding the stored column
-- rewrites emails (with its indexes): about a minute per 250,000 messages on two cores; run it off-peak.
DROP INDEX "emails_author_idx";--> statement-breakpoint
DROP INDEX "emails_subject_trgm_idx";--> statement-breakpoint
DROP INDEX "emails_patch_paths_trgm_idx";--> statement-breakpoint
ALTER TABLE "emails" ADD COLUMN "patch_path_list" text GENERATED ALWAYS AS (patch_paths(patch_metadata)) STORED;--> statement-breakpoint
CREATE INDEX "emails_author_date_idx" ON "emails" USING btree ("author_id","date" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "emails_subject_trgm_idx" ON "emails" USING gist ("subject" gist_trgm_ops);--> statement-breakpoint
CREATE INDEX "emails_patch_paths_trgm_idx" ON "emails" USING gin ("patch_path_list" gin_trgm_ops) WHERE "emails"."patch_path_list" IS NOT NULL;