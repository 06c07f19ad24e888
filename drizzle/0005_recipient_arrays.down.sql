-- Reverts 0005_recipient_arrays: back to a row per address, its position taken from the array order.
CREATE TEMP TABLE "email_recipients_rows" ON COMMIT DROP AS
  SELECT r."email_id", a."author_id", r."kind", (a."ord" - 1)::integer AS "position"
    FROM "email_recipients" r, unnest(r."author_ids") WITH ORDINALITY AS a("author_id", "ord");--> statement-breakpoint
DROP TABLE "email_recipients";--> statement-breakpoint
CREATE TABLE "email_recipients" (
	"email_id" bigint NOT NULL,
	"author_id" bigint NOT NULL,
	"kind" "recipient_kind" NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "email_recipients_pkey" PRIMARY KEY("email_id","kind","position"),
	CONSTRAINT "email_recipients_position_check" CHECK ("email_recipients"."position" >= 0)
);--> statement-breakpoint
INSERT INTO "email_recipients" ("email_id", "author_id", "kind", "position")
  SELECT "email_id", "author_id", "kind", "position" FROM "email_recipients_rows";--> statement-breakpoint
ALTER TABLE "email_recipients" ADD CONSTRAINT "email_recipients_email_id_emails_id_fk" FOREIGN KEY ("email_id") REFERENCES "public"."emails"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_recipients" ADD CONSTRAINT "email_recipients_author_id_authors_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."authors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_recipients_author_idx" ON "email_recipients" USING btree ("author_id");
