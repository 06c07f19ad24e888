-- Reverts 0009_accounts.
DROP INDEX "user_refresh_tokens_family_idx";--> statement-breakpoint
ALTER TABLE "user_refresh_tokens" DROP COLUMN "rotated_at";--> statement-breakpoint
ALTER TABLE "user_refresh_tokens" DROP COLUMN "family_id";--> statement-breakpoint
DROP TABLE "login_throttle";--> statement-breakpoint
DROP TABLE "api_tokens";--> statement-breakpoint
DROP TYPE "public"."api_token_scope";
