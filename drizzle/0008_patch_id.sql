ALTER TABLE "emails" ADD COLUMN "patch_id" text;--> statement-breakpoint
CREATE INDEX "emails_patch_id_idx" ON "emails" USING btree ("patch_id") WHERE "emails"."patch_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "emails_patch_id_missing_idx" ON "emails" USING btree ("id") WHERE "emails"."patch_id" IS NULL AND "emails"."patch_type" <> 'none';