import { createRoute, z } from "@hono/zod-openapi";
import type { SQL } from "drizzle-orm";
import type { Context } from "hono";
import type { Db } from "../../../db/client";
import {
  anyEmbedding,
  embeddingOf,
  embeddingState,
  fuzzyCandidates,
  hitDetails,
  lexicalCandidates,
  RANK_WINDOW,
  rankWindow,
  type SearchFilters,
  type SearchOrder,
  semanticCandidates,
  vectorLiteral,
} from "../../../db/queries/search";
import { databaseSnapshot } from "../../../db/queries/snapshot";
import { EMBEDDING_DIMENSIONS } from "../../../db/schema/emails";
import { type EmbeddingProvider, embeddingProviderFor } from "../../embeddings/provider";
import type { AppBindings } from "../../env";
import { asksFresh } from "../../lib/cache-control";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { SEARCH_CONFIG } from "../../mail/search-text";
import { reciprocalRankFusion } from "../../search/fusion";
import { groupByThread } from "../../search/group-hits";
import { formatQuery, parseQuery, QuerySyntaxError } from "../../search/query-parser";
import { type CompiledQuery, compileQuery } from "../../search/query-sql";
import { keepResult, keptResult, resultKey } from "../../search/result-cache";
import { HEADLINE_OPTIONS, MARK_START, snippetHtml } from "../../search/snippet";
import { requireList } from "./lists";
import {
  authorRef,
  booleanString,
  errorResponses,
  errorSchema,
  idString,
  jsonContent,
  MAX_PAGE_SIZE,
  pagination,
  since,
  slugParam,
  text,
  until,
} from "./params";
import { authorRefSchema } from "./present";

/** Candidates each strategy hands to grouping; pages beyond them are empty and meta.capped says so. */
const CANDIDATES = 1000;
/** Lexical search with fewer hits than this also runs fuzzy matching (typos, partial words). */
const FUZZY_FALLBACK_BELOW = 3;
const HITS_PER_THREAD = 3;

type Mode = "lexical" | "fuzzy" | "semantic" | "hybrid";

const scoresSchema = z
  .object({
    lexical: z
      .object({
        subjectAndAuthor: z.number().openapi({ description: "ts_rank_cd over lex_ts (subject A, author B)" }),
        body: z.number().openapi({ description: "ts_rank_cd over body_ts" }),
        score: z.number(),
        rank: z.number().int(),
      })
      .optional(),
    fuzzy: z
      .object({
        similarity: z.number().openapi({ description: "pg_trgm word similarity to subject or author" }),
        rank: z.number().int(),
      })
      .optional(),
    semantic: z
      .object({ distance: z.number().openapi({ description: "cosine distance" }), rank: z.number().int() })
      .optional(),
    fused: z.number().optional().openapi({ description: "reciprocal rank fusion score (hybrid)" }),
  })
  .openapi("HitScores");

type Scores = z.infer<typeof scoresSchema>;

const hitSchema = z
  .object({
    id: z.number().int(),
    messageId: z.string(),
    subject: z.string(),
    date: z.string(),
    author: authorRefSchema,
    patchType: z.enum(["none", "inline", "attachment"]),
    seriesId: z.number().int().nullable(),
    snippet: z.string().openapi({ description: "HTML-escaped body excerpt, matches in <mark>" }),
    matched: z.array(z.enum(["subject", "author", "body"])).openapi({
      description: "which parts contain the query's words (empty for fuzzy/semantic-only hits)",
    }),
    scores: scoresSchema,
  })
  .openapi("SearchHit");

const resultSchema = z
  .object({
    thread: z.object({
      id: z.number().int(),
      list: z.string(),
      subject: z.string(),
      startDate: z.string(),
      lastDate: z.string(),
      messageCount: z.number().int(),
      hasPatches: z.boolean(),
    }),
    score: z
      .number()
      .nullable()
      .openapi({ description: "the score of the thread's best hit in the mode used; null in date order" }),
    hitCount: z.number().int(),
    hits: z.array(hitSchema),
  })
  .openapi("SearchResult");

const searchMetaSchema = z.object({
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int().openapi({ description: "threads found (within the candidate cap)" }),
  capped: z.boolean().openapi({
    description: `true when more messages matched than were ranked (the newest ${RANK_WINDOW}, shared among wildcard terms) or kept (${CANDIDATES})`,
  }),
  mode: z.enum(["lexical", "fuzzy", "semantic", "hybrid"]).openapi({ description: "the mode asked for" }),
  modeUsed: z.enum(["lexical", "fuzzy", "semantic", "hybrid"]),
  sort: z.enum(["relevance", "date"]).openapi({ description: "the order used (date only for lexical)" }),
  fallback: z
    .object({ mode: z.string(), reason: z.string() })
    .nullable()
    .openapi({ description: "set when the answer came (partly) from another mode, and why" }),
  query: z.string().nullable().openapi({ description: "the query as understood" }),
  cached: z.boolean().openapi({
    description:
      "true when the same search was answered already at the database's current snapshot (nothing written " +
      "since) and that answer is given again; Cache-Control: no-cache asks the database",
  }),
  tookMs: z.number().int(),
});

export const searchQuery = z.object({
  q: z
    .string()
    .max(10_000)
    .optional()
    .openapi({
      description:
        'Free text, "phrases", AND/OR/NOT, -word, (groups), word*, and lore prefixes s: subject, f: from, ' +
        "b: body, t: To, c: Cc, a: From/To/Cc, m: Message-ID, d: date range, dfn: file touched by a patch " +
        "(e.g. `s:kgdboc f:wessel d:20100101..20101231`). Required except for mode=semantic with near.",
      example: 's:kgdb "breakpoint" d:2010..2012',
    }),
  mode: z.enum(["lexical", "fuzzy", "semantic", "hybrid"]).default("lexical"),
  sort: z
    .enum(["relevance", "date"])
    .default("relevance")
    .openapi({
      description:
        "lexical: best ranked first, or newest first as lore lists results (nothing is ranked then); " +
        "the other modes always rank",
    }),
  semanticRatio: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .openapi({ description: "hybrid: weight of the semantic ranking (0..1)" }),
  near: idString.optional().openapi({ description: 'an email id: "more like this" (semantic, hybrid)' }),
  author: authorRef.optional(),
  since: since.optional(),
  until: until.optional(),
  hasPatches: booleanString.optional(),
  series: idString.optional().openapi({ description: "only messages of this patch series version" }),
  page: pagination.page,
  // Threads per page; each shows up to HITS_PER_THREAD hits with a ts_headline snippet (the costly part).
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(10),
});

export type SearchParams = z.infer<typeof searchQuery>;

interface Ranked {
  emailId: number;
  threadId: number;
  score: number | null;
  scores: Scores;
}

function parse(q: string): CompiledQuery & { text: string } {
  try {
    const node = parseQuery(q);
    return { ...compileQuery(node), text: formatQuery(node) };
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      throw new ApiError("invalid_query", `${error.message} (at position ${error.position})`, {
        position: error.position,
      });
    }
    throw error;
  }
}

function unprocessable(message: string): never {
  throw new ApiError("unprocessable", message);
}

/**
 * Lexical hits in rank order, or newest first (`date`: no scores); `more` when matches beyond the window were
 * left out (rankWindow).
 */
async function lexicalRanked(
  db: Db,
  query: CompiledQuery,
  filters: SearchFilters,
  by: SearchOrder,
): Promise<{ ranked: Ranked[]; more: boolean }> {
  const window = rankWindow(query);
  const { hits, more } = await lexicalCandidates(db, query, filters, CANDIDATES, window, by);
  const ranked = hits.map((h, i) => ({
    emailId: h.emailId,
    threadId: h.threadId,
    score: h.score,
    scores:
      h.score === null
        ? {}
        : {
            lexical: { subjectAndAuthor: h.lexRank!, body: h.bodyRank!, score: h.score, rank: i + 1 },
          },
  }));
  return { ranked, more };
}

async function fuzzyRanked(db: Db, query: CompiledQuery, filters: SearchFilters): Promise<Ranked[]> {
  const hits = await fuzzyCandidates(db, query.fuzzyText, query.filters, filters, CANDIDATES);
  return hits.map((h, i) => ({
    emailId: h.emailId,
    threadId: h.threadId,
    score: h.similarity,
    scores: { fuzzy: { similarity: h.similarity, rank: i + 1 } },
  }));
}

type SemanticSource = { reference: SQL; exclude: number | null } | { unavailable: string };

/**
 * Where the semantic ranking's vector comes from: `near=<emailId>` (that email's embedding), else q embedded
 * by the provider. `unavailable` says why there is none (semantic then answers 422, hybrid falls back).
 */
async function semanticSource(
  db: Db,
  provider: EmbeddingProvider | null,
  near: number | undefined,
  query: CompiledQuery | null,
  listSlug: string | undefined,
): Promise<SemanticSource> {
  if (near !== undefined) {
    const state = await embeddingState(db, near);
    if (state === "missing") throw new ApiError("not_found", `no email ${near} (near)`);
    if (state === "none") return { unavailable: `email ${near} has no embedding yet` };
    return { reference: embeddingOf(near), exclude: near };
  }
  if (!provider) {
    return {
      unavailable:
        "no embedding provider is configured (bind Workers AI as AI) to turn q into a vector; pass near=<emailId> for more-like-this",
    };
  }
  if (!query?.semanticText) return { unavailable: "q has no words to embed" };
  if (!(await anyEmbedding(db, listSlug))) {
    return { unavailable: "no message has an embedding yet (the embeddings.fill job computes them)" };
  }
  let vector: unknown;
  try {
    [vector] = await provider.embed([query.semanticText]);
  } catch (error) {
    return { unavailable: `the embedding provider failed: ${(error as Error).message}` };
  }
  if (
    !Array.isArray(vector) ||
    vector.length !== EMBEDDING_DIMENSIONS ||
    !vector.every((x) => typeof x === "number" && Number.isFinite(x))
  ) {
    return { unavailable: `the embedding provider did not answer ${EMBEDDING_DIMENSIONS} numbers` };
  }
  return { reference: vectorLiteral(vector as number[]), exclude: null };
}

async function semanticRanked(
  db: Db,
  source: { reference: SQL; exclude: number | null },
  query: CompiledQuery | null,
  filters: SearchFilters,
) {
  const hits = await semanticCandidates(
    db,
    source.reference,
    source.exclude,
    query?.filters ?? null,
    filters,
    CANDIDATES,
  );
  return hits.map((h, i) => ({
    emailId: h.emailId,
    threadId: h.threadId,
    score: 1 - h.distance,
    scores: { semantic: { distance: h.distance, rank: i + 1 } } as Scores,
  }));
}

/** How a route lets searchList keep answers (functions/search/result-cache.ts). */
export interface SearchCaching {
  /** Names the database: one isolate may reach several (the tests), and their snapshots can be equal. */
  database: string;
  /** Cache-Control: no-cache: answer from the database (and keep that answer). */
  fresh: boolean;
}

/**
 * The routes' caching: the request's database (its host and name: no credentials are kept), and whether the
 * request asked for a fresh answer.
 */
export function searchCaching(c: Context<AppBindings>): SearchCaching {
  let database = "";
  try {
    const url = new URL(c.env.DATABASE_URL ?? "");
    database = `${url.host}${url.pathname}`;
  } catch {
    // no database, no search: the request has already failed
  }
  return { database, fresh: asksFresh(c) };
}

/** Modes whose answer depends on the database alone (semantic search asks the embedding provider). */
const KEPT_MODES = new Set<Mode>(["lexical", "fuzzy"]);

/**
 * One search, as the routes run it (exported for the benchmark, which runs it on a warm pool). The list is
 * named by its slug inside the statements, one round trip fewer than looking it up first (about 1.5 ms of the
 * Worker's 7–8 ms outside the statements); an empty answer or an error then checks that the list exists, so an
 * unknown list is still a 404, ahead of any other error. With `caching`, an answer kept at the database's current
 * snapshot is given again (meta.cached) for one light statement.
 */
export async function searchList(
  db: Db,
  provider: EmbeddingProvider | null,
  p: SearchParams,
  listSlug: string | undefined,
  /** hits shown per thread, each with its snippet (the costly part): the API shows 3, the search page 1 */
  hitsPerThread = HITS_PER_THREAD,
  caching?: SearchCaching,
) {
  const started = Date.now();
  const key =
    caching && KEPT_MODES.has(p.mode)
      ? resultKey(p.q, [caching.database, listSlug, hitsPerThread, { ...p, q: undefined }])
      : null;
  const snapshot = key === null ? null : await databaseSnapshot(db);
  if (key !== null && snapshot !== null && !caching?.fresh) {
    const result = keptResult<SearchAnswer>(key, snapshot);
    if (result) return { ...result, meta: { ...result.meta, cached: true, tookMs: Date.now() - started } };
  }
  try {
    const result = await search(db, provider, p, filtersOf(p, listSlug), hitsPerThread);
    if (listSlug !== undefined && result.data.length === 0) await requireList(db, listSlug);
    if (key !== null && snapshot !== null) keepResult(key, snapshot, result);
    return result;
  } catch (error) {
    if (listSlug !== undefined) await requireList(db, listSlug);
    throw error;
  }
}

type SearchAnswer = Awaited<ReturnType<typeof search>>;

async function search(
  db: Db,
  provider: EmbeddingProvider | null,
  p: SearchParams,
  filters: SearchFilters,
  hitsPerThread: number,
) {
  const started = Date.now();
  const query = p.q !== undefined && p.q.trim() !== "" ? parse(p.q) : null;
  if (!query && !(p.mode === "semantic" && p.near !== undefined)) {
    throw new ApiError("bad_request", "q is required (except for mode=semantic with near=<emailId>)");
  }
  let modeUsed: Mode = p.mode;
  let fallback: { mode: string; reason: string } | null = null;
  let ranked: Ranked[];
  let more = false;

  switch (p.mode) {
    case "lexical": {
      ({ ranked, more } = await lexicalRanked(db, query!, filters, p.sort));
      // typos find nothing; a full window means the words are there (and fuzzy would match them all)
      if (ranked.length < FUZZY_FALLBACK_BELOW && !more && query!.fuzzyText) {
        const fuzzy = await fuzzyRanked(db, query!, filters);
        const seen = new Set(ranked.map((r) => r.emailId));
        const extra = fuzzy.filter((f) => !seen.has(f.emailId));
        if (extra.length) {
          ranked = [...ranked, ...extra];
          fallback = {
            mode: "fuzzy",
            reason: `lexical search found ${seen.size} message(s); added ${extra.length} fuzzy match(es)`,
          };
        }
      }
      break;
    }
    case "fuzzy":
      if (!query!.fuzzyText) {
        throw new ApiError(
          "bad_request",
          "fuzzy search needs words or s: terms to compare with subjects and names",
        );
      }
      ranked = await fuzzyRanked(db, query!, filters);
      break;
    case "semantic": {
      const source = await semanticSource(db, provider, p.near, query, filters.listSlug);
      if ("unavailable" in source) unprocessable(`semantic search is unavailable: ${source.unavailable}`);
      ranked = await semanticRanked(db, source, query, filters);
      break;
    }
    case "hybrid": {
      const { ranked: lexical, more: lexicalMore } = await lexicalRanked(db, query!, filters, "relevance");
      more = lexicalMore;
      const source = await semanticSource(db, provider, p.near, query, filters.listSlug);
      if ("unavailable" in source) {
        ranked = lexical;
        modeUsed = "lexical";
        fallback = { mode: "lexical", reason: `semantic ranking unavailable: ${source.unavailable}` };
        break;
      }
      const semantic = await semanticRanked(db, source, query, filters);
      const byId = new Map<number, Ranked>();
      for (const r of [...lexical, ...semantic]) {
        const known = byId.get(r.emailId);
        byId.set(r.emailId, known ? { ...known, scores: { ...known.scores, ...r.scores } } : r);
      }
      ranked = reciprocalRankFusion(
        lexical.map((r) => r.emailId),
        semantic.map((r) => r.emailId),
        { semanticRatio: p.semanticRatio },
      ).map((f) => {
        const r = byId.get(f.id)!;
        return { ...r, score: f.score, scores: { ...r.scores, fused: f.score } };
      });
      break;
    }
  }

  const groups = groupByThread(ranked, hitsPerThread);
  const start = (p.page - 1) * p.pageSize;
  const pageGroups = groups.slice(start, start + p.pageSize);
  const emailIds = pageGroups.flatMap((g) => g.hits.map((h) => h.emailId));
  const details = await hitDetails(
    db,
    emailIds,
    // Fuzzy hits do not contain the words as typed: highlighting would parse every body for nothing.
    modeUsed === "fuzzy"
      ? { lexQuery: null, bodyQuery: null }
      : { lexQuery: query?.lexQuery ?? null, bodyQuery: query?.bodyQuery ?? null },
    {
      config: SEARCH_CONFIG,
      headlineOptions: HEADLINE_OPTIONS,
      markStart: MARK_START,
    },
  );

  const data = pageGroups.map((g) => ({
    thread: details.get(g.hits[0]!.emailId)!.thread,
    score: g.hits[0]!.score,
    hitCount: g.hitCount,
    hits: g.hits.map((h) => {
      const d = details.get(h.emailId)!;
      const matched: ("subject" | "author" | "body")[] = [];
      if (d.inSubject) matched.push("subject");
      if (d.inAuthor) matched.push("author");
      if (d.inBody) matched.push("body");
      return {
        id: d.emailId,
        messageId: d.messageId,
        subject: d.subject,
        date: d.date,
        author: { id: d.authorId, email: d.authorEmail, name: d.authorName },
        patchType: d.patchType,
        seriesId: d.seriesId,
        snippet: snippetHtml(d.snippet),
        matched,
        scores: h.scores,
      };
    }),
  }));
  return {
    data,
    meta: {
      page: p.page,
      pageSize: p.pageSize,
      total: groups.length,
      capped: more || ranked.length >= CANDIDATES,
      mode: p.mode,
      modeUsed,
      sort: p.mode === "lexical" ? p.sort : "relevance",
      fallback,
      query: query?.text ?? null,
      cached: false,
      tookMs: Date.now() - started,
    },
  };
}

function filtersOf(p: SearchParams, listSlug: string | undefined): SearchFilters {
  return {
    listSlug,
    authorRef: p.author,
    since: p.since,
    until: p.until,
    hasPatches: p.hasPatches,
    seriesId: p.series,
  };
}

const searchResponses = {
  200: jsonContent(
    z.object({ data: z.array(resultSchema), meta: searchMetaSchema }),
    "threads with their hits",
  ),
  ...errorResponses,
  422: {
    description: "semantic search without embeddings or a provider",
    content: { "application/json": { schema: errorSchema } },
  },
} as const;

const SEARCH_DESCRIPTION =
  "Modes: lexical (ts_rank_cd over lex_ts/body_ts, with fuzzy fallback when it finds little), fuzzy " +
  "(pg_trgm on subject and author), semantic (KNN on embeddings, near q embedded by the provider — Workers AI " +
  "binding AI — or near=<emailId>; without embeddings or a provider, 422), hybrid (reciprocal rank fusion of lexical and semantic, k=60, " +
  "weighted by semanticRatio; falls back to lexical, saying so in meta.fallback). Bad query syntax is a " +
  "400 invalid_query whose details.position is the 0-based character offset.";

export const searchRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/lists/{slug}/search",
      tags: ["search"],
      summary: "Search one list; hits grouped by thread",
      description: SEARCH_DESCRIPTION,
      request: { params: z.object({ slug: slugParam }), query: searchQuery },
      responses: searchResponses,
    }),
    async (c) => {
      const p = c.req.valid("query");
      const slug = c.req.valid("param").slug;
      const answer = await searchList(
        c.var.db,
        embeddingProviderFor(c.env),
        p,
        slug,
        HITS_PER_THREAD,
        searchCaching(c),
      );
      return c.json(answer, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/search",
      tags: ["search"],
      summary: "Search every list (or the one named by list=); hits grouped by thread",
      description: SEARCH_DESCRIPTION,
      request: {
        query: searchQuery.extend({
          list: text().min(1).max(100).optional().openapi({ description: "only this list (slug)" }),
        }),
      },
      responses: searchResponses,
    }),
    async (c) => {
      const p = c.req.valid("query");
      const answer = await searchList(
        c.var.db,
        embeddingProviderFor(c.env),
        p,
        p.list,
        HITS_PER_THREAD,
        searchCaching(c),
      );
      return c.json(answer, 200);
    },
  );
