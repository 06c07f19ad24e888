-- A phrase's messages from an index (functions/search/query-sql.ts phraseNarrowing). GIN keeps no word positions,
-- so `body_ts @@ 'kernel' <-> 'debugg'` fetched every message holding both words (14,000 at a million messages)
-- and read each vector to test the positions, for 850 that hold the phrase. This index keys each message by every
-- pair of lexemes that stand side by side in its vectors, as 'kernel debugg' (a space: no lexeme holds one).
--
-- The pairs of adjacent positions of one vector, from its stored positions: the very test `<->` makes, so a
-- phrase of two lexemes matches a vector exactly when its pair is there. IMMUTABLE: it reads only its argument.
CREATE FUNCTION phrase_pairs(v tsvector) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT coalesce(array_agg(DISTINCT a.lexeme || ' ' || b.lexeme), '{}')
  FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) a
  JOIN (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) b ON b.pos = a.pos + 1
$$;
--> statement-breakpoint
-- The pairs of a message: its subject and author (lex_ts) and its body (body_ts). A message not built yet has none.
CREATE FUNCTION search_pairs(lex tsvector, body tsvector) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN phrase_pairs(lex) || phrase_pairs(body);
--> statement-breakpoint
CREATE INDEX "emails_pairs_idx" ON "emails" USING gin (search_bucket("mailing_list_id", "date"),search_pairs("lex_ts", "body_ts"));
