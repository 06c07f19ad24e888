ALTER TABLE "patch_series" DROP CONSTRAINT "patch_series_version_check";--> statement-breakpoint
ALTER TABLE "patch_series" ADD COLUMN "version_label" text;--> statement-breakpoint
ALTER TABLE "patch_series" ADD CONSTRAINT "patch_series_version_check" CHECK ("patch_series"."version" >= 0);