-- Reverts 0013_lore_downloads.
DROP FUNCTION thread_download_ids(text, text);--> statement-breakpoint
ALTER TABLE "email_sources" DROP CONSTRAINT "email_sources_mboxrd_verbatim_check";--> statement-breakpoint
DROP INDEX "email_sources_mboxrd_unchecked_idx";--> statement-breakpoint
ALTER TABLE "email_sources" DROP COLUMN "mboxrd_verbatim";
