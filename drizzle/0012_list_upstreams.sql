ALTER TABLE "mailing_lists" ADD COLUMN "upstream_url" text;--> statement-breakpoint
ALTER TABLE "mailing_lists" ADD COLUMN "upstream_poll_seconds" integer DEFAULT 300 NOT NULL;--> statement-breakpoint
ALTER TABLE "mailing_lists" ADD COLUMN "upstream_mark" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mailing_lists" ADD COLUMN "upstream_window_seconds" integer;--> statement-breakpoint
ALTER TABLE "mailing_lists" ADD COLUMN "upstream_next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mailing_lists" ADD COLUMN "upstream_lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mailing_lists" ADD COLUMN "upstream_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "mailing_lists" ADD COLUMN "upstream_status" jsonb;--> statement-breakpoint
ALTER TABLE "mailing_lists" ADD CONSTRAINT "mailing_lists_upstream_url_check" CHECK ("mailing_lists"."upstream_url" ~ '^https?://[^/]+/');--> statement-breakpoint
ALTER TABLE "mailing_lists" ADD CONSTRAINT "mailing_lists_upstream_poll_check" CHECK ("mailing_lists"."upstream_poll_seconds" >= 60);