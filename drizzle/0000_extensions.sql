-- Extensions Nexus needs: vector (pgvector) and pg_trgm are required; vchord (VectorChord) is used when the
-- server offers it. A missing required extension stops here, before anything is created.
DO $$
DECLARE
  pg_major int := current_setting('server_version_num')::int / 10000;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    RAISE EXCEPTION USING
      ERRCODE = 'feature_not_supported',
      MESSAGE = format(
        'Nexus needs the Postgres extension "vector" (pgvector), which this server does not offer: '
        'install pgvector (Debian/Ubuntu: apt install postgresql-%s-pgvector; Neon and the VectorChord image '
        'have it) and run the migration again', pg_major);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    RAISE EXCEPTION USING
      ERRCODE = 'feature_not_supported',
      MESSAGE = format(
        'Nexus needs the Postgres extension "pg_trgm", which this server does not offer: install the '
        'PostgreSQL contrib modules (Debian/Ubuntu: postgresql-contrib; RHEL: postgresql%s-contrib; Neon has '
        'it) and run the migration again', pg_major);
  END IF;
END
$$;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS vector;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vchord') THEN
    CREATE EXTENSION IF NOT EXISTS vchord CASCADE;
  END IF;
END
$$;
