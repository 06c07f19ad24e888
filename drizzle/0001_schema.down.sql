-- Reverts 0001_schema: tables in reverse dependency order (their identity sequences go with them), then enums.
-- emails and patch_series reference each other, so they are dropped in one statement.
DROP TABLE "notification_cursors";
--> statement-breakpoint
DROP TABLE "notifications";
--> statement-breakpoint
DROP TABLE "user_thread_follows";
--> statement-breakpoint
DROP TABLE "user_refresh_tokens";
--> statement-breakpoint
DROP TABLE "user_profiles";
--> statement-breakpoint
DROP TABLE "local_user_credentials";
--> statement-breakpoint
DROP TABLE "users";
--> statement-breakpoint
DROP TABLE "thread_memberships";
--> statement-breakpoint
DROP TABLE "threads";
--> statement-breakpoint
DROP TABLE "email_references";
--> statement-breakpoint
DROP TABLE "email_recipients";
--> statement-breakpoint
DROP TABLE "email_sources";
--> statement-breakpoint
DROP TABLE "emails", "patch_series";
--> statement-breakpoint
DROP TABLE "sync_jobs";
--> statement-breakpoint
DROP TABLE "author_mailing_list_activity";
--> statement-breakpoint
DROP TABLE "author_name_aliases";
--> statement-breakpoint
DROP TABLE "authors";
--> statement-breakpoint
DROP TABLE "mailing_list_repositories";
--> statement-breakpoint
DROP TABLE "mailing_lists";
--> statement-breakpoint
DROP TYPE "public"."user_role";
--> statement-breakpoint
DROP TYPE "public"."notification_type";
--> statement-breakpoint
DROP TYPE "public"."follow_level";
--> statement-breakpoint
DROP TYPE "public"."auth_provider";
--> statement-breakpoint
DROP TYPE "public"."sync_job_state";
--> statement-breakpoint
DROP TYPE "public"."recipient_kind";
--> statement-breakpoint
DROP TYPE "public"."patch_type";
