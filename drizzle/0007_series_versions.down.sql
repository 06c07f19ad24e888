-- The schema before 0007 has no version 0 and no version label: a v0 series becomes v1 (what that code
-- would have called an unversioned series), and the label goes.
ALTER TABLE "patch_series" DROP CONSTRAINT "patch_series_version_check";--> statement-breakpoint
UPDATE "patch_series" SET "version" = 1 WHERE "version" < 1;--> statement-breakpoint
ALTER TABLE "patch_series" DROP COLUMN "version_label";--> statement-breakpoint
ALTER TABLE "patch_series" ADD CONSTRAINT "patch_series_version_check" CHECK ("patch_series"."version" >= 1);
