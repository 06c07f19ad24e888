ALTER TABLE "emails" ADD COLUMN "patch_id" text;--> statement-breakpoint
CREATE INDEX "emails_patch_id_idx" ON "emails" USING btree ("patch_id") WHERE "emails"."patch_id" IS NOT NULL;--> statement-breakpoint
-- public-inbox's subject key (PublicInbox::OverIdx::subject_path over Smsg::subject_normalized): blanks
-- trimmed and collapsed, trailing dots and one leading "Re: " dropped, runs of other than word characters and
-- . ~ / - made "_", lower-cased. Messages with the same key belong to the same thread download (t.mbox.gz).
-- NULL for an empty subject (public-inbox gives those no subject id).
CREATE FUNCTION thread_subject_key(subject text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN subject = '' THEN NULL ELSE lower(regexp_replace(
  regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(subject, '^\s+|\s+$', '', 'g'), '\s+', ' ', 'g'), '\.+$', ''),
    '^re:\s+', '', 'i'),
  '[^\w.~/-]+', '_', 'g')) END;
--> statement-breakpoint
CREATE INDEX "emails_list_thread_subject_key_idx" ON "emails" USING btree ("mailing_list_id",thread_subject_key("subject"));--> statement-breakpoint
CREATE INDEX "emails_patch_id_missing_idx" ON "emails" USING btree ("id") WHERE "emails"."patch_id" IS NULL AND "emails"."patch_type" <> 'none';