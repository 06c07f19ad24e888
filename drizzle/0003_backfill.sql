CREATE TABLE "backfill_status" (
	"name" text PRIMARY KEY NOT NULL,
	"last_run_at" timestamp with time zone,
	"last_run_rows" integer DEFAULT 0 NOT NULL,
	"last_run_ms" integer DEFAULT 0 NOT NULL,
	"total_rows" bigint DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_error_at" timestamp with time zone
);
--> statement-breakpoint
DROP INDEX "emails_search_pending_idx";--> statement-breakpoint
CREATE INDEX "emails_search_version_idx" ON "emails" USING btree ("search_version","id");