/**
 * The search text recipe: how emails.lex_ts and emails.body_ts are built. It exists once, as SQL, so the
 * importer (which applies it right after inserting a batch) and the backfill (which re-applies it to rows
 * whose search_version is NULL or older than RECIPE_VERSION) cannot disagree.
 *
 * Version 1:
 * - lex_ts  = subject with weight A || the author's canonical name and address with weight B.
 * - body_ts = the body with quoted lines (`>` …) removed, then cut at the first `diff --git ` line (diff
 *   hunks are left out: they are code, drown the prose in tokens, and are searched by file name through
 *   the diffstat, which stays), then cut at the signature separator (`-- `), limited to 200,000 characters
 *   (tsvector has a 1 MB limit).
 * Both use the `english` configuration.
 */

export const RECIPE_VERSION = 1;

export const SEARCH_CONFIG = "english";
export const BODY_TEXT_LIMIT = 200_000;

/**
 * SQL: the body text that body_ts indexes, for an emails row aliased `e`. The diff is cut off first, with plain
 * string search, so the quote regex only reads the prose: a quoted line starts with `>` and never with
 * `diff --git `, so this gives the same text as removing quotes first (at most a trailing newline differs;
 * the kgdb epoch's 2,355 tsvectors are identical), in 60% of the time.
 */
export function preparedBodySql(e = "e"): string {
  const prose = `CASE WHEN starts_with(${e}.body, 'diff --git ') THEN '' ELSE split_part(${e}.body, E'\\ndiff --git ', 1) END`;
  return (
    `left(regexp_replace(regexp_replace(${prose}, '^>[^\\n]*(\\n|$)', '', 'gn'), ` +
    `'\\n-- ?\\n.*$', ''), ${BODY_TEXT_LIMIT})`
  );
}

/** SQL: the lex_ts value for an emails row `e` joined to its author `a`. */
export function lexTsSql(e = "e", a = "a"): string {
  return (
    `setweight(to_tsvector('${SEARCH_CONFIG}', coalesce(${e}.subject, '')), 'A') || ` +
    `setweight(to_tsvector('${SEARCH_CONFIG}', coalesce(${a}.canonical_name, '') || ' ' || ${a}.email), 'B')`
  );
}

/** SQL: the body_ts value for an emails row `e`. */
export function bodyTsSql(e = "e"): string {
  return `to_tsvector('${SEARCH_CONFIG}', ${preparedBodySql(e)})`;
}

/**
 * SQL: one statement that (re)builds the search fields of the emails matched by `where` (a condition on
 * `e`, e.g. `e.id = ANY($1)` or `e.search_version IS NULL`).
 */
export function rebuildSearchSql(where: string): string {
  return (
    `UPDATE emails e SET lex_ts = ${lexTsSql("e", "a")}, body_ts = ${bodyTsSql("e")}, ` +
    `search_version = ${RECIPE_VERSION} FROM authors a WHERE a.id = e.author_id AND (${where})`
  );
}
