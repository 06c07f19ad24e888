-- Reverts 0010_notifications.
DROP INDEX "notifications_user_email_key";--> statement-breakpoint
DROP TABLE "user_email_addresses";
