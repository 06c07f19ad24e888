import { type SQL, sql } from "drizzle-orm";
import { escapeLike } from "../../db/queries/like";
import { authorNameAliases, authors } from "../../db/schema/authors";
import { emailRecipients, emails } from "../../db/schema/emails";
import { SEARCH_CONFIG } from "../mail/search-text";
import type { QueryNode, TextField } from "./query-parser";

/**
 * Compiles a parsed query into SQL over `emails`. Every value the user typed travels as a bind parameter
 * and reaches Postgres only through plainto_tsquery / phraseto_tsquery (which accept any text), LIKE
 * patterns with their wildcards escaped, or timestamps: no user text is ever spliced into SQL, and no
 * user text is ever parsed as tsquery syntax, so no query can make Postgres raise.
 *
 * Text terms test lex_ts (subject weight A, author names weight B) and body_ts per term, so
 * `kgdb breakpoint` finds a message with one word in the subject and the other in the body.
 */

export interface CompiledQuery {
  /** Boolean predicate over `emails` (and correlated subqueries), for WHERE. */
  where: SQL;
  /**
   * A looser predicate every match also meets, made of what the indexes answer and the planner can estimate
   * (the text vectors, authors, dates, file paths): `where` with each term's exact test beyond its index
   * dropped (s:'s subject-only and whole-word checks, q:/dfa:/dfb: line tests) and NOTs read as TRUE. Ranked
   * search takes the newest candidates by this, then tests `where` on those alone (db/queries/search.ts).
   */
  candidates: SQL;
  /** Whether `candidates` is `where` itself (no exact test beyond the indexes): then it alone answers. */
  exact: boolean;
  /**
   * `candidates` with each phrase of plain words read from the word-pair index instead (phraseNarrowing), and
   * whether that is still exact; null when the query has no such phrase. Only an index scan may use it: the
   * pairs are computed anew for each row a scan tests (70 µs), so a walk down the date index keeps `candidates`.
   */
  pairs: { candidates: SQL; exact: boolean } | null;
  /**
   * Each wildcard term's own candidates (`con*`: every message with a word that starts so), in all lists: a fetch
   * from the text indexes builds each one's bitmap whole, however few messages the query matches in the end.
   */
  prefixTerms: SQL[];
  /** Whether every match is a patch (a dfn: term every match meets): the newest are then found among patches. */
  patchesOnly: boolean;
  /**
   * Whether the newest candidates may be taken month by month (db/queries/search.ts newestPath): every match has
   * a word the text indexes answer (a term ANDed at the top), and there is no prefix (the index expands it to
   * every word it starts, anew for each month) and no d: (the months run from the list's newest message, and the
   * date index answers a range better).
   */
  monthly: boolean;
  /**
   * Whether the query tests body lines (q:, dfa:, dfb:): each such test parses a whole body (about 1 ms), so
   * ranked search takes a smaller window of candidates for it (LINE_TEST_WINDOW).
   */
  testsLines: boolean;
  /** tsquery of the positive terms that lex_ts can match (any, s:), OR-ed, for ranking; null if none. */
  lexQuery: SQL | null;
  /** tsquery of the positive terms that body_ts can match (any, b:), OR-ed, for ranking and ts_headline. */
  bodyQuery: SQL | null;
  /** The positive free-text and s: words and phrases, for fuzzy (trigram) matching. */
  fuzzyText: string;
  /** The positive free-text, s: and b: words and phrases: the text to embed for semantic search. */
  semanticText: string;
  /**
   * The query's conditions that are not about wording (d:, dfn:, f:, and NOTs), when they are top-level
   * AND terms: fuzzy and semantic search honour these; null when there are none.
   */
  filters: SQL | null;
}

type TextNode = Extract<QueryNode, { kind: "text" }>;

function tsquery(node: TextNode): SQL {
  const config = sql`${SEARCH_CONFIG}::regconfig`;
  if (node.phrase) return sql`phraseto_tsquery(${config}, ${node.value})`;
  if (node.prefix) {
    // The parser lets only letters, digits and _ before the star, so `value:*` is always valid tsquery
    // syntax (at worst an empty query, e.g. `_:*`, which matches nothing and raises nothing).
    // 'simple' does not stem: "breakp*" must stay a prefix of the stored lexeme "breakpoint".
    return sql`to_tsquery('simple', ${`${node.value}:*`})`;
  }
  return sql`plainto_tsquery(${config}, ${node.value})`;
}

/** Ids of the authors whose address, canonical name or any name they used contains the text. */
function authorsMatching(text: string): SQL {
  const pattern = `%${escapeLike(text.toLowerCase())}%`;
  return sql`(
    SELECT ${authors.id} FROM ${authors}
    WHERE ${authors.email} LIKE ${pattern} ESCAPE '\\' OR ${authors.canonicalName} ILIKE ${pattern} ESCAPE '\\'
    UNION
    SELECT ${authorNameAliases.authorId} FROM ${authorNameAliases}
    WHERE ${authorNameAliases.name} ILIKE ${pattern} ESCAPE '\\'
  )`;
}

function recipientMatches(text: string, kinds: ("to" | "cc")[]): SQL {
  const kindList = sql.join(
    kinds.map((k) => sql`${k}`),
    sql`, `,
  );
  return sql`EXISTS (SELECT 1 FROM ${emailRecipients} r WHERE r.email_id = ${emails.id}
    AND r.kind::text IN (${kindList}) AND r.author_ids && ARRAY${authorsMatching(text)})`;
}

/**
 * A patch touching the file: the path itself, a path ending in `/name`, or a path under the directory
 * `name/`. patch_path_list (patch_paths() of migration 0006, kept with the row since 0011) lists a patch's paths
 * and old paths between newlines, so the three cases are one regular expression, served by the trigram index
 * emails_patch_paths_trgm_idx; the index's recheck reads the short text, not the patch's JSON.
 */
function touchesFile(path: string): SQL {
  const name = path.replace(/^\/+|\/+$/g, "").replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
  // `IS NOT NULL` is the partial index's condition, said so the planner may use it
  return sql`(${emails.patchPathList} IS NOT NULL AND ${emails.patchPathList} ~ ${`[\n/]${name}\n|\n${name}/`})`;
}

/**
 * Lines of the body that body_ts leaves out, for q: (quoted), dfa: (removed) and dfb: (added): the other lines
 * blanked by a newline-sensitive regular expression, the rest parsed as text. No index serves these; they are
 * for narrowing a search (lore's own use), and cost one parse of each candidate's body.
 */
const QUOTED_LINES = "^(?!>).*$";
const REMOVED_LINES = "^(?:[^-].*|--- .*)?$";
const ADDED_LINES = "^(?:[^+].*|[+]{3} .*)?$";

function linesMatch(blank: string, query: SQL): SQL {
  return sql`to_tsvector(${SEARCH_CONFIG}::regconfig, regexp_replace(${emails.body}, ${blank}, '', 'gn')) @@ ${query}`;
}

/**
 * s:word matches the word as a whole identifier, as lore's Xapian index tokenizes (`_` joins words there):
 * s:kgdboc finds "kgdboc: fix" and "kgdbocs", not "earlycon_kgdboc". The tsvector splits at `_`, so the
 * subject must also hold the word's stem with no letter, digit or `_` before it and no `_` after its letters.
 * For single plain words only (phrases and prefixes keep the tsvector's reading).
 */
function wholeIdentifier(node: TextNode): SQL {
  if (node.phrase || node.prefix || !/^[A-Za-z0-9]+$/.test(node.value)) return sql``;
  const stem = sql`coalesce((ts_lexize('english_stem', lower(${node.value})))[1], lower(${node.value}))`;
  return sql` AND ${emails.subject} ~* ('(^|[^[:alnum:]_])' || ${stem} || '[[:alnum:]]*($|[^[:alnum:]_])')`;
}

/** PostgreSQL's english.stop, the stop words of the `english` configuration (its english_stem dictionary). */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers " +
    "herself it its itself they them their theirs themselves what which who whom this that these those am is are " +
    "was were be been being have has had having do does did doing a an the and but if or because as until while " +
    "of at by for with about against between into through during before after above below to from up down in out " +
    "on off over under again further then once here there when where why how all any both each few more most " +
    "other some such no nor not only own same so than too very s t can will just don should now"
  ).split(" "),
);

/**
 * How a phrase's word pairs (migration 0020: search_pairs(lex_ts, body_ts) lists each pair of words that stand
 * side by side, indexed) narrow it. A GIN index does not keep word positions, so `lex_ts @@ 'a' <-> 'b'` or
 * body_ts's fetches every message holding both words and reads each one's vector to test the positions: 14,000
 * messages with both words for "kernel debugger"'s 850 at a million. The pairs index finds those 850.
 * Only for plain words, whose lexemes the parser makes predictably: each word not in english.stop gives one
 * lexeme at the next position, a stop word leaves a gap. At least two words side by side must give lexemes, or
 * the phrase has no pair and `@> '{}'` would match every message; "exact" when those two are the whole phrase,
 * so the pair is the phrase's own test.
 */
export function phraseNarrowing(value: string): "none" | "exact" | "narrowing" {
  const words = value.trim().split(/\s+/);
  if (words.length < 2 || !words.every((w) => /^[A-Za-z0-9]+$/.test(w))) return "none";
  const kept = words.map((w) => !ENGLISH_STOP_WORDS.has(w.toLowerCase()));
  if (!kept.some((k, i) => k && kept[i + 1])) return "none";
  return words.length === 2 ? "exact" : "narrowing";
}

/** The fields whose phrases the pairs serve: those that read the body (the pairs hold subject, author and body). */
const PAIRED: TextField[] = ["any", "body", "subjectBody"];

function pairNarrowing(node: TextNode): ReturnType<typeof phraseNarrowing> {
  return node.phrase && PAIRED.includes(node.field) ? phraseNarrowing(node.value) : "none";
}

/** The messages whose subject, author or body holds every pair of the phrase's adjacent words (phraseNarrowing). */
function pairsPredicate(node: TextNode): SQL {
  return sql`search_pairs(${emails.lexTs}, ${emails.bodyTs}) @> phrase_pairs(to_tsvector(${SEARCH_CONFIG}::regconfig, ${node.value}))`;
}

function textPredicate(node: TextNode): SQL {
  const query = tsquery(node);
  switch (node.field) {
    case "any":
      return sql`(${emails.lexTs} @@ ${query} OR ${emails.bodyTs} @@ ${query})`;
    case "subject":
      // The index narrows by lex_ts; ts_filter keeps only weight-A (subject) lexemes for the exact test.
      return sql`(${emails.lexTs} @@ ${query} AND ts_filter(${emails.lexTs}, '{a}') @@ ${query}${wholeIdentifier(node)})`;
    case "body":
      return sql`${emails.bodyTs} @@ ${query}`;
    case "from":
      return sql`${emails.authorId} IN ${authorsMatching(node.value)}`;
    case "to":
      return recipientMatches(node.value, ["to"]);
    case "cc":
      return recipientMatches(node.value, ["cc"]);
    case "address":
      return sql`(${emails.authorId} IN ${authorsMatching(node.value)} OR ${recipientMatches(node.value, ["to", "cc"])})`;
    case "messageId":
      return sql`${emails.messageId} = ${node.value.replace(/^<|>$/g, "")}`;
    case "subjectBody":
      return sql`((${emails.lexTs} @@ ${query} AND ts_filter(${emails.lexTs}, '{a}') @@ ${query}) OR ${emails.bodyTs} @@ ${query})`;
    case "quoted":
      return linesMatch(QUOTED_LINES, query);
    case "diffRemoved":
      return linesMatch(REMOVED_LINES, query);
    case "diffAdded":
      return linesMatch(ADDED_LINES, query);
    case "patchId":
      return sql`${emails.patchId} = ${node.value.toLowerCase()}`;
  }
}

function predicate(node: QueryNode): SQL {
  switch (node.kind) {
    case "text":
      return textPredicate(node);
    case "date": {
      const parts: SQL[] = [];
      if (node.from) parts.push(sql`${emails.date} >= ${node.from.toISOString()}::timestamptz`);
      if (node.to) parts.push(sql`${emails.date} < ${node.to.toISOString()}::timestamptz`);
      return sql`(${sql.join(parts, sql` AND `)})`;
    }
    case "file":
      return touchesFile(node.path);
    case "not":
      // IS NOT TRUE: a message whose vectors are not built yet (NULL) does not contain the word either.
      return sql`((${predicate(node.child)}) IS NOT TRUE)`;
    case "and":
      return sql`(${sql.join(node.children.map(predicate), sql` AND `)})`;
    case "or":
      return sql`(${sql.join(node.children.map(predicate), sql` OR `)})`;
  }
}

/**
 * `node` loosened to what its index answers (see CompiledQuery.candidates): `sql` null means no narrowing
 * (TRUE); `exact` says the loosened form is the term itself, so a NOT of it may stay (its complement is as
 * well estimated), where the NOT of a loosened term must become TRUE.
 */
function candidatePredicate(node: QueryNode, pairs = false): { sql: SQL | null; exact: boolean } {
  const recurse = (child: QueryNode) => candidatePredicate(child, pairs);
  switch (node.kind) {
    case "text": {
      const narrowing = pairs ? pairNarrowing(node) : "none";
      // the pairs cover subject, author and body: exact for the any-field phrase only
      if (narrowing !== "none")
        return { sql: pairsPredicate(node), exact: narrowing === "exact" && node.field === "any" };
      switch (node.field) {
        case "subject":
          return { sql: sql`${emails.lexTs} @@ ${tsquery(node)}`, exact: false };
        case "subjectBody":
          return {
            sql: sql`(${emails.lexTs} @@ ${tsquery(node)} OR ${emails.bodyTs} @@ ${tsquery(node)})`,
            exact: false,
          };
        case "quoted":
        case "diffRemoved":
        case "diffAdded":
          return { sql: null, exact: false };
        default:
          return { sql: textPredicate(node), exact: true };
      }
    }
    case "date":
    case "file":
      return { sql: predicate(node), exact: true };
    case "not": {
      const child = recurse(node.child);
      return child.exact && child.sql ? { sql: predicate(node), exact: true } : { sql: null, exact: false };
    }
    case "and": {
      const parts = node.children.map(recurse);
      const present = parts.map((p) => p.sql).filter((p): p is SQL => p !== null);
      return {
        sql: present.length ? sql`(${sql.join(present, sql` AND `)})` : null,
        exact: parts.every((p) => p.exact),
      };
    }
    case "or": {
      const parts = node.children.map(recurse);
      if (parts.some((p) => p.sql === null)) return { sql: null, exact: false };
      return {
        sql: sql`(${sql.join(
          parts.map((p) => p.sql!),
          sql` OR `,
        )})`,
        exact: parts.every((p) => p.exact),
      };
    }
  }
}

/** Whether every message `node` matches touches a file (dfn:), so is a patch. */
function requiresFile(node: QueryNode): boolean {
  if (node.kind === "file") return true;
  if (node.kind === "and") return node.children.some(requiresFile);
  if (node.kind === "or") return node.children.every(requiresFile);
  return false;
}

/** See CompiledQuery.monthly. */
function isMonthly(node: QueryNode): boolean {
  const some = (n: QueryNode, test: (n: QueryNode) => boolean): boolean =>
    test(n) ||
    ((n.kind === "and" || n.kind === "or") && n.children.some((c) => some(c, test))) ||
    (n.kind === "not" && some(n.child, test));
  if (some(node, (n) => n.kind === "date" || (n.kind === "text" && n.prefix))) return false;
  const conjuncts = node.kind === "and" ? node.children : [node];
  return conjuncts.some((n) => n.kind === "text" && WORDING.includes(n.field));
}

/** Every text term, with whether it stands under an odd number of NOTs. */
function textTerms(node: QueryNode, negated = false, out: { term: TextNode; negated: boolean }[] = []) {
  switch (node.kind) {
    case "text":
      out.push({ term: node, negated });
      break;
    case "not":
      textTerms(node.child, !negated, out);
      break;
    case "and":
    case "or":
      for (const child of node.children) textTerms(child, negated, out);
      break;
  }
  return out;
}

/** The text terms that count for ranking: those not under a NOT. */
const positiveTextTerms = (node: QueryNode): TextNode[] =>
  textTerms(node)
    .filter((t) => !t.negated)
    .map((t) => t.term);

function orQueries(terms: TextNode[]): SQL | null {
  if (terms.length === 0) return null;
  return sql`(${sql.join(terms.map(tsquery), sql` || `)})`;
}

const LINE_TESTS: TextField[] = ["quoted", "diffRemoved", "diffAdded"];

/** Words matched against the text vectors (the other text fields name people or ids). */
const WORDING: TextField[] = ["any", "subject", "body", "subjectBody"];
/** The fields whose words rank by lex_ts, and by body_ts. */
const LEX_RANKED: TextField[] = ["any", "subject", "subjectBody"];
const BODY_RANKED: TextField[] = ["any", "body", "subjectBody"];

function isFilter(node: QueryNode): boolean {
  return (
    node.kind === "date" ||
    node.kind === "file" ||
    node.kind === "not" ||
    (node.kind === "text" && !WORDING.includes(node.field))
  );
}

export function compileQuery(node: QueryNode): CompiledQuery {
  const positive = positiveTextTerms(node);
  const filters = (node.kind === "and" ? node.children : [node]).filter(isFilter);
  const candidates = candidatePredicate(node);
  const paired = textTerms(node).some((t) => !t.negated && pairNarrowing(t.term) !== "none")
    ? candidatePredicate(node, true)
    : null;
  return {
    filters: filters.length ? sql`(${sql.join(filters.map(predicate), sql` AND `)})` : null,
    where: predicate(node),
    candidates: candidates.sql ?? sql`TRUE`,
    exact: candidates.exact && candidates.sql !== null,
    pairs: paired?.sql ? { candidates: paired.sql, exact: paired.exact } : null,
    prefixTerms: positive
      .filter((t) => t.prefix)
      .map((t) => candidatePredicate(t).sql)
      .filter((p): p is SQL => p !== null),
    patchesOnly: requiresFile(node),
    monthly: isMonthly(node),
    testsLines: textTerms(node).some((t) => LINE_TESTS.includes(t.term.field)),
    lexQuery: orQueries(positive.filter((t) => LEX_RANKED.includes(t.field))),
    bodyQuery: orQueries(positive.filter((t) => BODY_RANKED.includes(t.field))),
    fuzzyText: positive
      .filter((t) => t.field === "any" || t.field === "subject")
      .map((t) => t.value)
      .join(" "),
    semanticText: positive
      .filter((t) => WORDING.includes(t.field))
      .map((t) => t.value)
      .join(" "),
  };
}
