-- Reverts 0008_patch_id.
DROP INDEX "emails_patch_id_missing_idx";--> statement-breakpoint
DROP INDEX "emails_list_thread_subject_key_idx";--> statement-breakpoint
DROP FUNCTION thread_subject_key(text);--> statement-breakpoint
DROP INDEX "emails_patch_id_idx";--> statement-breakpoint
ALTER TABLE "emails" DROP COLUMN "patch_id";
