-- The paths a patch touches (patch_metadata.files[].path, then .oldPath), one per line between newlines, so
-- that dfn: is one regular expression a trigram index can serve. NULL without files. The index leaves out
-- messages without patch metadata (most mail: replies), which never match.
CREATE FUNCTION patch_paths(metadata jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (
  SELECT E'\n' || string_agg(p, E'\n') || E'\n'
  FROM jsonb_array_elements_text(
    jsonb_path_query_array(metadata, '$.files[*].path') || jsonb_path_query_array(metadata, '$.files[*].oldPath')
  ) AS p
);
--> statement-breakpoint
CREATE INDEX "emails_patch_paths_trgm_idx" ON "emails" USING gin (patch_paths("patch_metadata") gin_trgm_ops) WHERE "emails"."patch_metadata" IS NOT NULL;
