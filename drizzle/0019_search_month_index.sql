-- A search takes the newest matches of a mid-density word month by month (db/queries/search.ts newestPath): the
-- text indexes also key each message by its list's 30-day bucket of time, so the GIN index intersects the word
-- with one month of one list inside the index, and only those matching rows are read. btree_gin gives GIN the
-- operator class for that integer key; it ships with the contrib modules, as pg_trgm does (Neon has it).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gin') THEN
    RAISE EXCEPTION USING
      ERRCODE = 'feature_not_supported',
      MESSAGE = format(
        'Nexus needs the Postgres extension "btree_gin", which this server does not offer: install the '
        'PostgreSQL contrib modules (Debian/Ubuntu: postgresql-contrib; RHEL: postgresql%s-contrib; Neon has '
        'it) and run the migration again', current_setting('server_version_num')::int / 10000);
  END IF;
END
$$;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;
--> statement-breakpoint
-- The 30-day bucket of an instant, counted from 1970: floor, so bucket m holds [m, m + 1) × 30 days and
-- to_timestamp(m * 2592000) is its first instant. IMMUTABLE: the epoch of a timestamptz does not depend on the
-- session's time zone.
CREATE FUNCTION search_month(at timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN floor(extract(epoch FROM at) / 2592000)::integer;
--> statement-breakpoint
-- One key for a list's month: the list's id in the high 32 bits. One key, not two: a GIN scan with the list as a
-- key of its own walked the list's whole posting list for each month (2.5 ms a probe at a million messages,
-- against 0.15 ms). Every month of year ±290,000 fits in 31 bits, so no two lists' keys meet.
CREATE FUNCTION search_bucket(list bigint, at timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN list * 4294967296 + search_month(at);
--> statement-breakpoint
DROP INDEX "emails_lex_ts_idx";--> statement-breakpoint
DROP INDEX "emails_body_ts_idx";--> statement-breakpoint
CREATE INDEX "emails_lex_ts_idx" ON "emails" USING gin (search_bucket("mailing_list_id", "date"),"lex_ts");--> statement-breakpoint
CREATE INDEX "emails_body_ts_idx" ON "emails" USING gin (search_bucket("mailing_list_id", "date"),"body_ts");