CREATE TABLE "user_email_addresses" (
	"user_id" bigint NOT NULL,
	"email" text NOT NULL,
	CONSTRAINT "user_email_addresses_pkey" PRIMARY KEY("user_id","email")
);
--> statement-breakpoint
ALTER TABLE "user_email_addresses" ADD CONSTRAINT "user_email_addresses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_user_email_key" ON "notifications" USING btree ("user_id","email_id");