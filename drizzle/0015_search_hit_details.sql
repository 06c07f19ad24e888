-- What a search page shows of each hit (db/queries/search.ts hitDetails): display fields, the hit's thread, which
-- parts matched, and a ts_headline snippet. A function so each backend plans the statement once (PL/pgSQL's plan
-- cache): planned per request, its fourteen joined and lateral relations cost more to plan than to run (PGlite,
-- ten hits: 3.5 ms of planning against 2.5 of running).
-- The body text is the search recipe's (functions/mail/search-text.ts preparedBodySql, here over `x` and `wx`;
-- test/db/search-snippets.test.ts checks that both are the recipe's current text): a recipe change needs a migration
-- that replaces this function.
-- Each lateral is fenced (OFFSET 0) so it is computed once per row. The body is read over its first 8,000
-- characters; ts_headline runs only where body_ts matches, first over a window of 400 characters (from a line's
-- start when one begins in the 120 before) around the first place where a lexeme of `bq` stands on a line that
-- is not quoted (a stem is mostly a prefix of its words; body_ts leaves quotes out), and over the recipe's text
-- of all 8,000 characters only where that window marks nothing (a stem that is not a prefix, "happi"; a lexeme
-- found inside another word). A hit whose body does not match shows the start of its text, unmarked.
CREATE FUNCTION search_hit_details(ids bigint[], lq tsquery, bq tsquery, config regconfig, headline_options text,
  mark text)
RETURNS TABLE (email_id bigint, message_id text, subject text, date timestamptz, author_id bigint,
  author_email text, author_name text, patch_type patch_type, series_id bigint, snippet text, in_subject boolean,
  in_author boolean, in_body boolean, thread_id bigint, list text, thread_subject text, start_date timestamptz,
  last_date timestamptz, message_count integer, has_patches boolean)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  -- '^(?:[^>\n][^\n]*)?(lexeme|…)', flags 'in': a lexeme on a line that does not start with '>' (each lexeme's
  -- characters other than letters, digits and _ escaped; a tsquery's text form doubles a quote in a lexeme)
  pattern text := '^(?:[^>\n][^\n]*)?(' || array_to_string(ARRAY(
    SELECT regexp_replace(replace(m[1], '''''', ''''), '([^[:alnum:]_])', '\\\1', 'g')
    FROM regexp_matches(bq::text, '''((?:[^'']|'''')+)''', 'g') m), '|') || ')';
BEGIN
  RETURN QUERY
    SELECT e.id, e.message_id, e.subject, e.date, a.id, a.email, a.canonical_name, e.patch_type, e.series_id,
      CASE WHEN strpos(coalesce(h.near, ''), mark) > 0 THEN h.near
        WHEN NOT f.matches THEN left(btrim(regexp_replace(left(p.text, 1000), '\s+', ' ', 'g')), 240)
        ELSE ts_headline(config, p.text, bq, headline_options) END,
      coalesce(ts_filter(e.lex_ts, '{a}') @@ lq, false),
      coalesce(ts_filter(e.lex_ts, '{b}') @@ lq, false),
      f.matches,
      t.id, l.slug, t.subject, t.start_date, t.last_date, t.message_count, t.has_patches
    FROM emails e JOIN authors a ON a.id = e.author_id
      JOIN thread_memberships tm ON tm.email_id = e.id JOIN threads t ON t.id = tm.thread_id
      JOIN mailing_lists l ON l.id = t.mailing_list_id
      CROSS JOIN LATERAL (SELECT left(e.body, 8000) AS body OFFSET 0) AS x
      CROSS JOIN LATERAL (SELECT coalesce(e.body_ts @@ bq, false) AS matches OFFSET 0) AS f
      CROSS JOIN LATERAL (SELECT CASE WHEN f.matches THEN regexp_instr(x.body, pattern, 1, 1, 0, 'in', 1) END
        AS at OFFSET 0) AS w
      CROSS JOIN LATERAL (SELECT greatest(1, w.at - 120) AS b OFFSET 0) AS wb
      CROSS JOIN LATERAL (SELECT substr(x.body, CASE WHEN wb.b = 1 THEN 1
        ELSE wb.b + strpos(substr(x.body, wb.b, w.at - wb.b), E'\n') END, 400) AS body OFFSET 0) AS wx
      CROSS JOIN LATERAL (SELECT CASE WHEN w.at > 0 THEN ts_headline(config,
          left(regexp_replace(regexp_replace(CASE WHEN starts_with(wx.body, 'diff --git ') THEN '' ELSE split_part(wx.body, E'\ndiff --git ', 1) END, '^>[^\n]*(\n|$)', '', 'gn'), '\n-- ?\n.*$', ''), 200000),
          bq, headline_options) END AS near OFFSET 0) AS h
      CROSS JOIN LATERAL (SELECT CASE WHEN strpos(coalesce(h.near, ''), mark) = 0 THEN
          left(regexp_replace(regexp_replace(CASE WHEN starts_with(x.body, 'diff --git ') THEN '' ELSE split_part(x.body, E'\ndiff --git ', 1) END, '^>[^\n]*(\n|$)', '', 'gn'), '\n-- ?\n.*$', ''), 200000)
        END AS text OFFSET 0) AS p
    WHERE e.id = ANY (ids);
END
$$;
