-- Reverts 0012_list_upstreams.
ALTER TABLE "mailing_lists" DROP CONSTRAINT "mailing_lists_upstream_poll_check";--> statement-breakpoint
ALTER TABLE "mailing_lists" DROP CONSTRAINT "mailing_lists_upstream_url_check";--> statement-breakpoint
ALTER TABLE "mailing_lists" DROP COLUMN "upstream_status";--> statement-breakpoint
ALTER TABLE "mailing_lists" DROP COLUMN "upstream_failures";--> statement-breakpoint
ALTER TABLE "mailing_lists" DROP COLUMN "upstream_lease_until";--> statement-breakpoint
ALTER TABLE "mailing_lists" DROP COLUMN "upstream_next_at";--> statement-breakpoint
ALTER TABLE "mailing_lists" DROP COLUMN "upstream_window_seconds";--> statement-breakpoint
ALTER TABLE "mailing_lists" DROP COLUMN "upstream_mark";--> statement-breakpoint
ALTER TABLE "mailing_lists" DROP COLUMN "upstream_poll_seconds";--> statement-breakpoint
ALTER TABLE "mailing_lists" DROP COLUMN "upstream_url";
