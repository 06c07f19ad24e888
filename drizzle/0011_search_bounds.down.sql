-- Reverts 0011_search_bounds.
DROP INDEX "emails_patch_paths_trgm_idx";--> statement-breakpoint
DROP INDEX "emails_subject_trgm_idx";--> statement-breakpoint
DROP INDEX "emails_author_date_idx";--> statement-breakpoint
ALTER TABLE "emails" DROP COLUMN "patch_path_list";--> statement-breakpoint
CREATE INDEX "emails_patch_paths_trgm_idx" ON "emails" USING gin (patch_paths("patch_metadata") gin_trgm_ops) WHERE "emails"."patch_metadata" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "emails_subject_trgm_idx" ON "emails" USING gin ("subject" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "emails_author_idx" ON "emails" USING btree ("author_id");
