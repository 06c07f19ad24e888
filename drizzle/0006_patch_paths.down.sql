-- Reverts 0006_patch_paths.
DROP INDEX "emails_patch_paths_trgm_idx";--> statement-breakpoint
DROP FUNCTION patch_paths(jsonb);
