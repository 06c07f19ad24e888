-- Reverts 0003_backfill.
DROP INDEX "emails_search_version_idx";
CREATE INDEX "emails_search_pending_idx" ON "emails" USING btree ("id") WHERE "emails"."search_version" IS NULL;
DROP TABLE "backfill_status";
