import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { emails } from "../schema/emails";
import { authorIdOf } from "./threads";

/**
 * The search statements. Each returns candidate hits (email, thread, scores) in rank order, capped at
 * `limit`; grouping by thread and paging happen on that capped list. Every predicate comes in as
 * drizzle SQL with bound parameters (see functions/search/query-sql.ts).
 */

export interface SearchFilters {
  /** The list's slug: looked up inside each statement (`listOf`), not in a round trip of its own. */
  listSlug?: string;
  authorRef?: string;
  since?: Date;
  until?: Date;
  hasPatches?: boolean;
  seriesId?: number;
}

/** The id of the list with this slug, as a sub-select (NULL when there is none: then nothing matches). */
const listOf = (slug: string): SQL => sql`(SELECT id FROM mailing_lists WHERE slug = ${slug})`;

export function filterSql(f: SearchFilters): SQL[] {
  const out: SQL[] = [];
  if (f.listSlug !== undefined) out.push(sql`${emails.mailingListId} = ${listOf(f.listSlug)}`);
  if (f.authorRef !== undefined) out.push(sql`${emails.authorId} = ${authorIdOf(f.authorRef)}`);
  if (f.since) out.push(sql`${emails.date} >= ${f.since.toISOString()}::timestamptz`);
  if (f.until) out.push(sql`${emails.date} < ${f.until.toISOString()}::timestamptz`);
  if (f.hasPatches === true) out.push(sql`${emails.patchType} <> 'none'`);
  if (f.hasPatches === false) out.push(sql`${emails.patchType} = 'none'`);
  if (f.seriesId !== undefined) out.push(sql`${emails.seriesId} = ${f.seriesId}`);
  return out;
}

function whereAll(parts: (SQL | null)[]): SQL {
  const present = parts.filter((p): p is SQL => p !== null);
  return present.length ? sql.join(present, sql` AND `) : sql`TRUE`;
}

export interface LexicalHit {
  emailId: number;
  threadId: number;
  /** ts_rank_cd over lex_ts (subject A, author B); null when hits are in date order (nothing ranked). */
  lexRank: number | null;
  /** ts_rank_cd over body_ts; null in date order. */
  bodyRank: number | null;
  score: number | null;
}

/**
 * How lexical hits are ordered: by rank (ts_rank_cd, then newest), or newest first as public-inbox orders its
 * search results unless asked for relevance (`&r`): then nothing is ranked, and body_ts is not read at all.
 */
export type SearchOrder = "relevance" | "date";

/**
 * The ranking tsqueries, computed once: plainto_tsquery is STABLE, so written inline in the select list it
 * is re-evaluated (dictionary lookups) for every row — twice the cost of the ranking itself on PGlite.
 */
function rankQueries(q: { lexQuery: SQL | null; bodyQuery: SQL | null }): SQL {
  return sql`q AS MATERIALIZED (SELECT ${q.lexQuery ?? sql`NULL::tsquery`} AS lq, ${q.bodyQuery ?? sql`NULL::tsquery`} AS bq)`;
}

/** Subject and author matches weigh twice a body match. */
const BODY_WEIGHT = 0.5;

/**
 * How many candidates are ranked: the newest RANK_WINDOW. Ranking reads each match's vectors (body_ts is large
 * and TOASTed), so ranking every match of a common word grew with the list (a word in 80% of a million
 * messages). The trade-off: when more than RANK_WINDOW messages are candidates, older ones are not ranked
 * (lore orders by date too; `d:` reaches back), and meta.capped says so.
 */
export const RANK_WINDOW = 2000;
/** The window of a query that tests body lines (q:, dfa:, dfb:): each test parses a whole body. */
export const LINE_TEST_WINDOW = 250;

/**
 * The window a query ranks: RANK_WINDOW shared among its wildcard terms, LINE_TEST_WINDOW when it tests body lines.
 * Each wildcard's test scans every word it begins in each candidate's vectors, and ANDed common ones match few
 * messages though each is everywhere, so the walk down the date index reads far for each hit: at a million,
 * `con* pat* ser* ker*` passed 18,500 messages before its first match and took 213 ms for 2,000 (127 for 500).
 */
export function rankWindow(q: { testsLines: boolean; prefixTerms: unknown[] }): number {
  const shared = Math.floor(RANK_WINDOW / Math.max(1, q.prefixTerms.length));
  return q.testsLines ? Math.min(LINE_TEST_WINDOW, shared) : shared;
}

/**
 * How the newest `window` candidates are found, by the planner's estimate of how many there are:
 * - "walk": the list's date index, testing each message until `window` pass. The planner weighs it as if testing
 *   a message were free, but testing body_ts reads and decompresses it (~12 µs): it walked 30,000 messages
 *   (360 ms) for a word in 7% of 250,000, where fetching the 18,000 candidates takes 40 ms. The walk costs about
 *   window/density tests, the fetch density × size fetches at a sixth of the cost each, so the walk wins when the
 *   candidates exceed √(6 × window × size).
 * - "months": month by month, newest first: the text indexes also key each message by its list's 30-day bucket
 *   (search_bucket, migration 0019), so each month's matches come from inside the index and only they are read,
 *   until the window is full. At a million messages, a word in 58,650 of them: 17 ms, where fetching every match
 *   to keep the newest took 130. Each month costs a probe (about 0.3 ms), so a word with few matches is fetched
 *   instead; only a query with a word at its top goes month by month (CompiledQuery.monthly), within a list.
 * - "fetch": every candidate from the text indexes, then the newest kept.
 * Both counts are the planner's estimates, from one EXPLAIN (no execution): the candidates, and the messages the
 * filters (the list) leave.
 * When every match is a patch (dfn:), the answer is "the planner may walk", and it chooses: the walk then takes the
 * list's patches only (emails_list_patch_date_idx) and tests each one's short path list, a cost it weighs right.
 */
export type NewestPath = "walk" | "months" | "fetch";
/** The fewest candidates, in windows, worth a month-by-month search (below, fetching them all costs less). */
const MONTHS_MIN_WINDOWS = 5;
/**
 * The same for a phrase read from its pairs (CompiledQuery.pairs): the planner guesses a phrase's matches from its
 * words (8,140 for "boot console"'s 17,000 at a million), and a month's probe of the pairs reads only the phrase's
 * matches. Measured there: "boot console" 120 ms fetched, 75 by months; "kernel debugger" (850) 33 against 47.
 */
const PAIRS_MONTHS_MIN_WINDOWS = 1;
/**
 * The largest share of the list for which months beat the walk. A month's matches are all read (about 3 µs each,
 * from the index), the walk tests window/share messages (12 µs each): for a word in most messages one month holds
 * more matches than the window, and the walk reads fewer.
 */
const MONTHS_MAX_SHARE = 0.5;

async function newestPath(
  db: Db,
  /** `candidates`: the query's candidates with the filters, as the newest are taken */
  q: { candidates: SQL; patchesOnly?: boolean; monthly?: boolean; pairs?: unknown; prefixTerms?: SQL[] },
  filters: SearchFilters,
  window: number,
): Promise<NewestPath> {
  // at a million messages: dfn:kdb_main.c (40,000 of 330,000 patches) walked in 56 ms, fetched in 340; a rare
  // file (426 patches) is still fetched from the trigram index
  if (q.patchesOnly) return "walk";
  // Neither the walk nor the months can win when the list is at most 6 × window messages (the candidates are at
  // most all of it), so a list known to be that small needs no EXPLAIN: most lists are, and it is one round trip
  // of a search's four.
  const key = filters.listSlug ?? "";
  const known = listSizes.get(key);
  if (known && Date.now() - known.at < LIST_SIZE_TTL_MS && known.size <= 6 * window) return "fetch";
  type Plan = { "Plan Rows": number; "Parent Relationship"?: string; Plans?: Plan[] };
  const members = [q.candidates, whereAll(filterSql(filters)), ...(q.prefixTerms ?? [])];
  const result = await db.execute<{ "QUERY PLAN": [{ Plan: Plan }] }>(
    sql`EXPLAIN (FORMAT JSON) ${sql.join(
      members.map((m) => sql`SELECT 1 FROM emails WHERE ${m}`),
      sql` UNION ALL `,
    )}`,
  );
  // the Append's members, in the order written (their sub-selects hang below them)
  const [matches = 0, size = 0, ...prefixes] = (result.rows[0]?.["QUERY PLAN"][0]?.Plan.Plans ?? [])
    .filter((p) => p["Parent Relationship"] === "Member")
    .map((p) => p["Plan Rows"]);
  // the list's own size, when nothing but the list narrows it (other filters only make it smaller)
  if (Object.entries(filters).every(([k, v]) => k === "listSlug" || v === undefined)) {
    listSizes.set(key, { size, at: Date.now() });
  }
  return choosePath({
    matches,
    size,
    prefixes,
    window,
    monthly: filters.listSlug !== undefined && q.monthly === true,
    paired: Boolean(q.pairs),
  });
}

/**
 * newestPath's rule, from the planner's estimates: `matches` candidates in a list of `size`, and each wildcard term's
 * own matches (`prefixes`). The walk tests size / matches messages per hit at about six times the cost of fetching
 * one; the fetch reads every match, and first builds each wildcard's bitmap whole (`ser* ker*` at a million: 77,000
 * matches from two bitmaps of hundreds of thousands, 950 ms, where the walk took 180).
 */
export function choosePath(e: {
  matches: number;
  size: number;
  prefixes: number[];
  window: number;
  /** months may serve (CompiledQuery.monthly, within a list) */
  monthly: boolean;
  /** a phrase is read from its pairs (CompiledQuery.pairs) */
  paired: boolean;
}): NewestPath {
  const fewest = (e.paired ? PAIRS_MONTHS_MIN_WINDOWS : MONTHS_MIN_WINDOWS) * e.window;
  if (e.monthly && e.matches > fewest && e.matches < MONTHS_MAX_SHARE * e.size) return "months";
  const fetched = e.prefixes.reduce((sum, n) => sum + n, e.matches);
  if (e.matches * fetched > 6 * e.window * e.size) return "walk";
  return "fetch";
}

/**
 * The newest `limit` candidates, by `path`: each path yields them in the same order (date, then id, newest
 * first). The months come from the list's date index, newest first and only those that hold a message (a
 * recursive step per month, run only as far as the LIMIT reads: a stray date of 1901 costs nothing until
 * reached); `+ interval '0 s'` keeps the planner from answering the fetch's and the months' order by walking
 * the date index instead.
 */
function newestSql(path: NewestPath, candidates: SQL, filters: SearchFilters, limit: number): SQL {
  if (path !== "months" || filters.listSlug === undefined) {
    return sql`SELECT emails.id, emails.date FROM emails WHERE ${candidates}
      ORDER BY ${path === "walk" ? sql`emails.date` : sql`emails.date + interval '0 s'`} DESC, emails.id DESC
      LIMIT ${limit}`;
  }
  const scope = whereAll(
    filterSql({ listSlug: filters.listSlug, since: filters.since, until: filters.until }),
  );
  // each month by its first instant: the next older month is that of the newest message before it
  const start = (latest: SQL) => sql`to_timestamp(search_month(${latest}) * 2592000::float8)`;
  return sql`WITH RECURSIVE months(start) AS (
      SELECT ${start(sql`max(emails.date)`)} FROM emails WHERE ${scope}
      UNION ALL
      SELECT (SELECT ${start(sql`max(emails.date)`)} FROM emails WHERE ${scope} AND emails.date < months.start)
      FROM months WHERE months.start IS NOT NULL
    )
    SELECT c.id, c.date FROM months CROSS JOIN LATERAL (
      SELECT emails.id, emails.date FROM emails
      WHERE ${candidates}
        AND search_bucket(emails.mailing_list_id, emails.date) = search_bucket(${listOf(filters.listSlug)}, months.start)
      ORDER BY emails.date + interval '0 s' DESC, emails.id DESC
    ) c
    LIMIT ${limit}`;
}

/** The planner's estimate of each list's size (key: the slug, "" for all lists), as newestPath last saw it. */
const listSizes = new Map<string, { size: number; at: number }>();
/** How long an estimate stands: a list grows past 6 × window slowly, and the walk is only faster, not needed. */
const LIST_SIZE_TTL_MS = 10 * 60_000;

/**
 * Two steps, each bounded by the window. `candidates` (CompiledQuery.candidates: what the indexes answer, so
 * the planner estimates it well) picks the newest RANK_WINDOW candidates (newestPath: the list's date index for
 * a common word, its months for a mid-density one, the GIN indexes for a rare one). Only those are tested against
 * the exact `where` (s:'s whole-word regular expression, NOTs, line tests: no index, and a selectivity the planner
 * cannot guess, so given the whole predicate it sorted every message of the list), then ranked; when the
 * candidates are the exact answer (`exact`: plain words, most queries) they are not tested again (the test read
 * each one's body_ts once more). The best `limit` are kept and only those joined to their threads (every stored
 * email has a thread). The CTEs are MATERIALIZED: inlined, the planner re-ranked the kept rows (re-reading
 * body_ts) for the final sort. One candidate beyond the window tells `more`.
 * In date order nothing is ranked, and for an exact query the kept rows are the newest candidates themselves,
 * with no second read of their rows.
 */
export async function lexicalCandidates(
  db: Db,
  q: {
    where: SQL;
    candidates: SQL;
    exact: boolean;
    pairs?: { candidates: SQL; exact: boolean } | null;
    patchesOnly?: boolean;
    monthly?: boolean;
    lexQuery: SQL | null;
    bodyQuery: SQL | null;
  },
  filters: SearchFilters,
  limit: number,
  window = RANK_WINDOW,
  by: SearchOrder = "relevance",
  /** How the newest candidates are found; by default as newestPath chooses (tests compare the paths). */
  path?: NewestPath,
): Promise<{ hits: LexicalHit[]; more: boolean }> {
  const ranked = by === "relevance";
  const order = (r: string) =>
    sql.raw(
      `${ranked ? `${r}.lex_rank + ${BODY_WEIGHT}::float8 * ${r}.body_rank DESC, ` : ""}${r}.date DESC, ${r}.email_id DESC`,
    );
  const scope = filterSql(filters);
  const chosen =
    path ?? (await newestPath(db, { ...q, candidates: whereAll([q.candidates, ...scope]) }, filters, window));
  // a phrase's pairs index serves the fetch and the months; the walk tests each message, by its vectors
  const read = q.pairs && chosen !== "walk" ? q.pairs : q;
  const exact = read.exact;
  const newest = newestSql(chosen, whereAll([read.candidates, ...scope]), filters, window + 1);
  const rank = (vector: string, query: string) =>
    ranked ? sql.raw(`coalesce(ts_rank_cd(emails.${vector}, q.${query}), 0)::float8`) : sql`NULL::float8`;
  const kept =
    !ranked && exact
      ? sql`SELECT id AS email_id, date FROM newest LIMIT ${Math.min(limit, window)}`
      : sql`SELECT r.* FROM (
        SELECT emails.id AS email_id, emails.date, ${rank("lex_ts", "lq")} AS lex_rank, ${rank("body_ts", "bq")} AS body_rank
        FROM q, (SELECT id FROM newest LIMIT ${window}) w JOIN emails ON emails.id = w.id
        WHERE ${exact ? sql`TRUE` : q.where}
      ) r
      ORDER BY ${order("r")}
      LIMIT ${limit}`;
  const result = await db.execute<{
    email_id: string | null;
    thread_id: string;
    lex_rank: number | null;
    body_rank: number | null;
    more: boolean;
  }>(sql`
    WITH ${rankQueries(q)}, newest AS MATERIALIZED (${newest}), kept AS MATERIALIZED (${kept})
    SELECT kept.email_id, tm.thread_id, ${ranked ? sql`kept.lex_rank, kept.body_rank` : sql`NULL::float8 AS lex_rank, NULL::float8 AS body_rank`}, w.more
    FROM (SELECT (SELECT count(*) FROM newest) > ${window} AS more) w
      LEFT JOIN (kept JOIN thread_memberships tm ON tm.email_id = kept.email_id) ON TRUE
    ORDER BY ${order("kept")}`);
  // one row with no email when nothing in the window passed `where`: it still tells whether there was more
  const hits = result.rows
    .filter((r) => r.email_id !== null)
    .map((r) => ({
      emailId: Number(r.email_id),
      threadId: Number(r.thread_id),
      lexRank: r.lex_rank,
      bodyRank: r.body_rank,
      score: r.lex_rank === null || r.body_rank === null ? null : r.lex_rank + BODY_WEIGHT * r.body_rank,
    }));
  return { hits, more: result.rows[0]?.more === true };
}

/** Authors a fuzzy search follows to their messages: the most similar names and addresses. */
const FUZZY_AUTHORS = 20;

export interface FuzzyHit {
  emailId: number;
  threadId: number;
  /** pg_trgm word similarity of the text to the subject or the author's name/address (0..1). */
  similarity: number;
}

/**
 * Trigram matching on subject and author (typos, partial words): `<%` is word_similarity above
 * pg_trgm.word_similarity_threshold (0.6), served by the GIN trigram indexes.
 */
export async function fuzzyCandidates(
  db: Db,
  text: string,
  extra: SQL | null,
  filters: SearchFilters,
  limit: number,
): Promise<FuzzyHit[]> {
  // Two indexable halves: subjects by trigrams, and authors by trigrams → their emails. A message's
  // similarity is the greatest of subject, author name and address; a part that does not match (`<%` is
  // word_similarity ≥ the threshold) is below every part that does, so only matching parts are scored: the
  // subject once per matched subject, the author once per matched author (MATERIALIZED: not once per email).
  // One statement, no transaction: the embedded PGlite used to need SET LOCAL enable_seqscan = off here (its
  // planner picked sequential word_similarity scans, several times slower there than the trigram indexes), three
  // more round trips per search; with its random_page_cost at 1.1 (scripts/lib/embedded.ts) it picks the indexes.
  // `needle`, the text as a sub-select, is one value the planner cannot see: given the constant, it estimates
  // each `<%` by running word_similarity over the column's statistics (6–8 ms of planning on PGlite, about
  // half of this statement); the indexes are used either way (the same operator with the same value).
  // Threads are joined to the kept hits only, as in lexicalCandidates.
  // Each half is bounded by RANK_WINDOW: the subjects nearest the text, straight from the GiST trigram index
  // (`<->>` is 1 − word_similarity), and each matched author's newest messages (the author's date index), so a
  // common subject word or a prolific author does not make every match scored.
  // The list, filters and query conditions apply inside each half, before its window is cut.
  const needle = sql`(SELECT ${text}::text)`;
  const scope = whereAll([extra, ...filterSql(filters)]);
  const result = await db.execute<{ email_id: string; thread_id: string; similarity: number }>(sql`
      WITH fa AS MATERIALIZED (
        SELECT id, greatest(word_similarity(${text}, coalesce(canonical_name, '')), word_similarity(${text}, email)) AS sim
        FROM authors WHERE ${needle} <% canonical_name OR ${needle} <% email
        ORDER BY sim DESC, id LIMIT ${FUZZY_AUTHORS}
      ), m AS (
        SELECT id, max(sim) AS sim FROM (
          (SELECT id, word_similarity(${text}, subject) AS sim FROM emails WHERE ${needle} <% subject AND ${scope}
            ORDER BY subject <->> ${needle} LIMIT ${RANK_WINDOW})
          UNION ALL
          SELECT ae.id, fa.sim FROM fa CROSS JOIN LATERAL (
            SELECT emails.id FROM emails WHERE emails.author_id = fa.id AND ${scope}
            ORDER BY emails.date DESC, emails.id DESC LIMIT ${RANK_WINDOW}) ae
        ) parts GROUP BY id
      ), kept AS MATERIALIZED (
        SELECT emails.id AS email_id, emails.date, m.sim::float8 AS similarity
        FROM m JOIN emails ON emails.id = m.id
        ORDER BY similarity DESC, emails.date DESC, emails.id DESC
        LIMIT ${limit}
      )
      SELECT kept.email_id, tm.thread_id, kept.similarity
      FROM kept JOIN thread_memberships tm ON tm.email_id = kept.email_id
      ORDER BY kept.similarity DESC, kept.date DESC, kept.email_id DESC`);
  return result.rows.map((r) => ({
    emailId: Number(r.email_id),
    threadId: Number(r.thread_id),
    similarity: r.similarity,
  }));
}

export interface SemanticHit {
  emailId: number;
  threadId: number;
  /** Cosine distance to the query vector (0 = same direction). */
  distance: number;
}

/** Whether an email exists and has an embedding: the reference of `near=`. */
export async function embeddingState(db: Db, emailId: number): Promise<"missing" | "none" | "ready"> {
  const result = await db.execute<{ has: boolean }>(
    sql`SELECT embedding IS NOT NULL AS has FROM ${emails} WHERE id = ${emailId}`,
  );
  const row = result.rows[0];
  return row === undefined ? "missing" : row.has ? "ready" : "none";
}

/** Whether any message (of the list, when given) has an embedding yet. */
export async function anyEmbedding(db: Db, listSlug: string | undefined): Promise<boolean> {
  const list = listSlug === undefined ? sql`TRUE` : sql`mailing_list_id = ${listOf(listSlug)}`;
  const result = await db.execute<{ has: boolean }>(
    sql`SELECT EXISTS (SELECT 1 FROM ${emails} WHERE embedding IS NOT NULL AND ${list}) AS has`,
  );
  return result.rows[0]?.has === true;
}

/** The vector to search near: another email's embedding ("more like this"). */
export const embeddingOf = (emailId: number): SQL =>
  sql`(SELECT embedding FROM ${emails} WHERE id = ${emailId})`;

/** The vector to search near: a query vector from the embedding provider, sent as one text parameter. */
export const vectorLiteral = (vector: number[]): SQL => sql`${`[${vector.join(",")}]`}::vector`;

/** Nearest neighbours of a vector (KNN on the vector index), cosine distance. */
export async function semanticCandidates(
  db: Db,
  reference: SQL,
  excludeEmailId: number | null,
  extra: SQL | null,
  filters: SearchFilters,
  limit: number,
): Promise<SemanticHit[]> {
  const exclude = excludeEmailId === null ? null : sql`emails.id <> ${excludeEmailId}`;
  // The nearest come from the vector index only when they are ordered by the distance alone (a second sort key,
  // even the id, made it a scan of every embedding: 190 ms at 52,000 messages): ties are broken outside. An HNSW
  // scan yields at most hnsw.ef_search rows (pgvector's default 40), so that is what semantic search returns
  // once the index is used; threads are joined to those only.
  const result = await db.execute<{ email_id: string; thread_id: string; distance: number }>(sql`
    WITH near AS MATERIALIZED (
      SELECT emails.id, (emails.embedding <=> ${reference})::float8 AS distance FROM emails
      WHERE emails.embedding IS NOT NULL AND ${whereAll([exclude, extra, ...filterSql(filters)])}
      ORDER BY emails.embedding <=> ${reference}
      LIMIT ${limit}
    )
    SELECT near.id AS email_id, tm.thread_id, near.distance
    FROM near JOIN thread_memberships tm ON tm.email_id = near.id
    ORDER BY near.distance, near.id`);
  return result.rows.map((r) => ({
    emailId: Number(r.email_id),
    threadId: Number(r.thread_id),
    distance: r.distance,
  }));
}

export interface HitDetail {
  emailId: number;
  messageId: string;
  subject: string;
  date: string;
  authorId: number;
  authorEmail: string;
  authorName: string | null;
  patchType: "none" | "inline" | "attachment";
  seriesId: number | null;
  snippet: string;
  inSubject: boolean;
  inAuthor: boolean;
  inBody: boolean;
  thread: ThreadHead;
}

/**
 * Display fields (with the hit's thread), a ts_headline snippet of the indexed body text and which parts
 * matched, for the hits shown on the page only (ts_headline re-parses the text: never run it over every
 * candidate). The statement is the function search_hit_details (migration 0015, which says how the snippet is
 * found): planned once per backend instead of once per request.
 */
export async function hitDetails(
  db: Db,
  emailIds: number[],
  q: { lexQuery: SQL | null; bodyQuery: SQL | null },
  /** The search configuration, ts_headline options and the StartSel they set (how a headline marks a match). */
  text: { config: string; headlineOptions: string; markStart: string },
): Promise<Map<number, HitDetail>> {
  if (emailIds.length === 0) return new Map();
  const result = await db.execute<{
    email_id: string;
    message_id: string;
    subject: string;
    date: string;
    author_id: string;
    author_email: string;
    author_name: string | null;
    patch_type: HitDetail["patchType"];
    series_id: string | null;
    snippet: string;
    in_subject: boolean;
    in_author: boolean;
    in_body: boolean;
    thread_id: string;
    list: string;
    thread_subject: string;
    start_date: string;
    last_date: string;
    message_count: number;
    has_patches: boolean;
  }>(sql`SELECT * FROM search_hit_details(${sql.param(emailIds)}::bigint[], ${q.lexQuery ?? sql`NULL`}::tsquery,
    ${q.bodyQuery ?? sql`NULL`}::tsquery, ${text.config}::regconfig, ${text.headlineOptions}, ${text.markStart})`);
  const out = new Map<number, HitDetail>();
  for (const r of result.rows) {
    out.set(Number(r.email_id), {
      emailId: Number(r.email_id),
      messageId: r.message_id,
      subject: r.subject,
      date: new Date(r.date).toISOString(),
      authorId: Number(r.author_id),
      authorEmail: r.author_email,
      authorName: r.author_name,
      patchType: r.patch_type,
      seriesId: r.series_id === null ? null : Number(r.series_id),
      snippet: r.snippet,
      inSubject: r.in_subject,
      inAuthor: r.in_author,
      inBody: r.in_body,
      thread: {
        id: Number(r.thread_id),
        list: r.list,
        subject: r.thread_subject,
        startDate: new Date(r.start_date).toISOString(),
        lastDate: new Date(r.last_date).toISOString(),
        messageCount: r.message_count,
        hasPatches: r.has_patches,
      },
    });
  }
  return out;
}

export interface ThreadHead {
  id: number;
  list: string;
  subject: string;
  startDate: string;
  lastDate: string;
  messageCount: number;
  hasPatches: boolean;
}

/**
 * Every match of a compiled query, unranked, newest first: by archive order (id, as public-inbox's mbox
 * downloads order by document id) or by date (its Atom and HTML results). At most `limit` ids.
 */
export async function matchingEmailIds(
  db: Db,
  where: SQL,
  filters: SearchFilters,
  order: "archive" | "date",
  limit: number,
): Promise<number[]> {
  const by = order === "archive" ? sql`emails.id DESC` : sql`emails.date DESC, emails.id DESC`;
  const result = await db.execute<{ id: string }>(sql`
    SELECT emails.id FROM emails WHERE ${whereAll([where, ...filterSql(filters)])}
    ORDER BY ${by} LIMIT ${limit}`);
  return result.rows.map((r) => Number(r.id));
}
