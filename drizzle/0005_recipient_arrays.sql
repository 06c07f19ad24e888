-- email_recipients: one row per (email, To|Cc) holding the authors in header order (see db/schema/emails.ts).
-- Handwritten around drizzle-kit's output so existing rows are kept: folded into arrays by position.
CREATE TEMP TABLE "email_recipients_folded" ON COMMIT DROP AS
  SELECT "email_id", "kind", array_agg("author_id" ORDER BY "position") AS "author_ids"
    FROM "email_recipients" GROUP BY "email_id", "kind";--> statement-breakpoint
DROP TABLE "email_recipients";--> statement-breakpoint
CREATE TABLE "email_recipients" (
	"email_id" bigint NOT NULL,
	"kind" "recipient_kind" NOT NULL,
	"author_ids" bigint[] NOT NULL,
	CONSTRAINT "email_recipients_pkey" PRIMARY KEY("email_id","kind"),
	CONSTRAINT "email_recipients_author_ids_check" CHECK (cardinality("email_recipients"."author_ids") > 0)
);--> statement-breakpoint
INSERT INTO "email_recipients" ("email_id", "kind", "author_ids")
  SELECT "email_id", "kind", "author_ids" FROM "email_recipients_folded";--> statement-breakpoint
ALTER TABLE "email_recipients" ADD CONSTRAINT "email_recipients_email_id_emails_id_fk" FOREIGN KEY ("email_id") REFERENCES "public"."emails"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_recipients_author_ids_idx" ON "email_recipients" USING gin ("author_ids");
