import { z } from "@hono/zod-openapi";
import { type Context, Hono, type Next } from "hono";
import { authorActivity, findAuthor, reviewsBy } from "../../db/queries/authors";
import { emailBodies, findEmailsByMessageId, listEmails, withHeaders } from "../../db/queries/emails";
import { followLevel } from "../../db/queries/follows";
import { findListBySlug, listLists, listStats } from "../../db/queries/lists";
import { findSeries } from "../../db/queries/series";
import { findThread, listThreads, threadOfMessageId, threadTree } from "../../db/queries/threads";
import { idString, since, until } from "../api/v1/params";
import { searchCaching, searchList, searchQuery } from "../api/v1/search";
import { embeddingProviderFor } from "../embeddings/provider";
import type { AppBindings } from "../env";
import { ApiError } from "../lib/errors";
import { interdiff } from "../mail/interdiff";
import { normalizeSubject } from "../mail/subject";
import { messageIdFromDecoded } from "../publicinbox/message-id-path";
import { seriesWithTallies } from "../series/view";
import type { PageContext } from "./layout";
import { AuthorPage } from "./pages/author";
import { HomePage } from "./pages/home";
import { ListPage } from "./pages/list";
import { MessagePage } from "./pages/message";
import { PAGE_MODES, SearchPage } from "./pages/search";
import { type PatchPair, SeriesPage, type SeriesVersion } from "./pages/series";
import { type ThreadMessage, ThreadPage } from "./pages/thread";
import { errorPage, htmlPage, pageContext, wantsHtml } from "./render";
import { messageUrl } from "./urls";

/**
 * The reading pages at lore's URLs. A request gets a page when it is a browser's (Accept: text/html); any
 * other request, and lore's own forms (raw, mbox, Atom, `x=A`/`x=m` search, POST), go on to the next face.
 * Pages read through db/queries and the functions the JSON API uses (search, series tallies); no SQL here.
 */

type C = Context<AppBindings>;

const THREADS_PER_PAGE = 50;
const RESULTS_PER_PAGE = 10;
/** The best hit of each thread with its snippet; the page says how many more the thread holds. */
const HITS_PER_THREAD = 1;
const MAX_OFFSET = 100_000;
/** Paths the other faces own: never taken for a list slug. */
const NOT_LISTS = new Set(["api", "admin", "_", "_static", "login", "notifications"]);

const offsetParam = z.coerce.number().int().min(0).max(MAX_OFFSET).default(0);

const listParams = z.object({
  o: offsetParam,
  since: since.optional(),
  until: until.optional(),
  patches: z.enum(["1", "0", "on"]).optional(),
});

function html(handler: (c: C) => Promise<Response | undefined>) {
  return async (c: C, next: Next) => {
    if (!wantsHtml(c)) return next();
    const res = await handler(c);
    return res ?? next();
  };
}

const listContext = (l: { slug: string; name: string }) => ({ slug: l.slug, name: l.name });

/** What a list slug can be (the API's rule): anything else names no list, without asking the database. */
const SLUG = /^[a-z0-9][a-z0-9._-]{0,99}$/;

async function requireListPage(c: C, slug: string) {
  return NOT_LISTS.has(slug) || !SLUG.test(slug) ? null : findListBySlug(c.var.db, slug);
}

const noList = (c: C, slug: string) =>
  errorPage(c, 404, "No such list", `There is no list "${slug}" in this archive. Search all lists instead?`);

const badRequest = (c: C, error: z.ZodError, list: PageContext["list"]) =>
  errorPage(
    c,
    400,
    "Bad request",
    error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "),
    list,
  );

async function home(c: C) {
  const { rows } = await listLists(c.var.db, { limit: 100, offset: 0 });
  const stats = await listStats(
    c.var.db,
    rows.map((r) => r.id),
  );
  const ctx = pageContext(c, null);
  return htmlPage(c, ctx, <HomePage ctx={ctx} lists={rows} stats={stats} />);
}

/**
 * A search page over one list (by slug) or all (null). The list is read first, on the request's one
 * connection: reading it beside the search opened a second connection and was slower (A/B under wrangler dev).
 */
async function search(c: C, slug: string | null) {
  const q = c.req.query("q") ?? "";
  const mode = c.req.query("mode") ?? "lexical";
  const list = slug === null ? null : await requireListPage(c, slug);
  if (slug !== null && !list) return noList(c, slug);
  const ctx = pageContext(c, list && listContext(list), q);
  const offset = offsetParam.safeParse(c.req.query("o"));
  const o = offset.success ? offset.data : 0;
  const modeOk = (PAGE_MODES as readonly string[]).includes(mode);
  // lore's `r`: results by relevance; without it, newest first (public-inbox's own test: defined and not "0")
  const r = c.req.query("r");
  const relevance = r !== undefined && r !== "0";
  const props = { ctx, q, mode: modeOk ? mode : "lexical", relevance, offset: o, pageSize: RESULTS_PER_PAGE };
  const parsed = searchQuery.safeParse({
    q,
    mode,
    sort: relevance ? "relevance" : "date",
    page: String(Math.floor(o / RESULTS_PER_PAGE) + 1),
    pageSize: String(RESULTS_PER_PAGE),
  });
  if (!parsed.success || !offset.success || !modeOk) {
    const problem = !offset.success
      ? `o: ${offset.error.issues[0]?.message}`
      : parsed.success
        ? `mode: one of ${PAGE_MODES.join(", ")}`
        : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    return htmlPage(c, ctx, <SearchPage {...props} result={null} problem={problem} />, 400);
  }
  if (!q.trim()) return htmlPage(c, ctx, <SearchPage {...props} result={null} />);
  try {
    const provider = embeddingProviderFor(c.env);
    const result = await searchList(
      c.var.db,
      provider,
      parsed.data,
      slug ?? undefined,
      HITS_PER_THREAD,
      searchCaching(c),
    );
    return htmlPage(c, ctx, <SearchPage {...props} result={result} />);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    const details = error.details as { position?: number } | undefined;
    if (error.code === "invalid_query" && typeof details?.position === "number") {
      const message = error.message.replace(/ \(at position \d+\)$/, "");
      return htmlPage(
        c,
        ctx,
        <SearchPage {...props} result={null} syntaxError={{ message, position: details.position }} />,
        400,
      );
    }
    return htmlPage(c, ctx, <SearchPage {...props} result={null} problem={error.message} />, error.status);
  }
}

async function listPage(c: C) {
  const slug = c.req.param("list")!;
  const x = c.req.query("x");
  if (x === "A" || x === "m") return undefined; // lore's Atom and mbox search answers
  if (NOT_LISTS.has(slug)) return undefined;
  if (c.req.query("q") !== undefined) return search(c, slug === "all" ? null : slug);
  if (slug === "all") return c.redirect("/", 302);
  const list = await requireListPage(c, slug);
  if (!list) return noList(c, slug);
  const parsed = listParams.safeParse(c.req.query());
  if (!parsed.success) return badRequest(c, parsed.error, listContext(list));
  const p = parsed.data;
  const patches = p.patches === "1" || p.patches === "on";
  const { rows, total } = await listThreads(
    c.var.db,
    list.id,
    { by: "lastActivity", order: "desc" },
    { since: p.since, until: p.until, hasPatches: patches ? true : undefined },
    { limit: THREADS_PER_PAGE, offset: p.o },
  );
  const ctx = pageContext(c, listContext(list));
  const filters = {
    since: c.req.query("since") || undefined,
    until: c.req.query("until") || undefined,
    patches,
  };
  return htmlPage(
    c,
    ctx,
    <ListPage
      ctx={ctx}
      list={list}
      threads={rows}
      total={total}
      offset={p.o}
      pageSize={THREADS_PER_PAGE}
      filters={filters}
    />,
  );
}

/** The thread's follow state for the page's forms (the level only for a signed-in user). */
async function followOf(c: C, threadId: number | null) {
  if (threadId === null) return null;
  const account = c.var.account;
  return { threadId, level: account ? await followLevel(c.var.db, account.userId, threadId) : null };
}

type EmailRow = Awaited<ReturnType<typeof findEmailsByMessageId>>[number];
type ListRow = NonNullable<Awaited<ReturnType<typeof findListBySlug>>>;
type Found =
  | { ok: true; list: ListRow; row: EmailRow }
  | { ok: false; response: Response | undefined; phantom?: { list: ListRow; threadId: number; mid: string } };

/** The message a `/:list/:mid/…` URL names, or the response that replaces the page (404, or a redirect). */
async function messageOf(c: C, suffix: string, pathMid = c.req.param("mid")!): Promise<Found> {
  const slug = c.req.param("list")!;
  if (NOT_LISTS.has(slug)) return { ok: false, response: undefined };
  // an id we could never have stored (too long, control characters, blank) is unknown
  const mid = messageIdFromDecoded(pathMid) ?? "";
  const list = slug === "all" ? null : await requireListPage(c, slug);
  if (!list && slug !== "all") return { ok: false, response: noList(c, slug) };
  const possible = mid !== "";
  const copies = possible ? await findEmailsByMessageId(c.var.db, mid) : [];
  const row = copies.find((r) => r.listSlug === slug);
  if (!row || !list) {
    // lore resolves an id in whichever inbox holds it; so do we (/all/<mid>/ included)
    if (copies[0])
      return { ok: false, response: c.redirect(`${messageUrl(copies[0].listSlug, mid)}${suffix}`, 302) };
    // referenced by a thread of the list but never archived (a thread's root often is): its thread stands in
    const threadId = list && possible ? await threadOfMessageId(c.var.db, list.id, mid) : null;
    if (list && threadId !== null)
      return { ok: false, response: undefined, phantom: { list, threadId, mid } };
    return {
      ok: false,
      response: errorPage(
        c,
        404,
        "No such message",
        `No message <${mid}> is archived${list ? ` in ${slug}` : ""}.`,
        list && listContext(list),
      ),
    };
  }
  return { ok: true, list, row };
}

async function messagePage(c: C, pathMid?: string) {
  const found = await messageOf(c, "", pathMid);
  // a message the archive only knows by reference: its thread
  if (!found.ok && found.phantom) return c.redirect(`${new URL(c.req.url).pathname}T/`, 302);
  if (!found.ok) return found.response;
  const { list, row } = found;
  const detail = await withHeaders(c.var.db, row);
  const tree = row.threadId === null ? [] : await threadTree(c.var.db, row.threadId);
  const ctx = pageContext(c, listContext(list));
  const follow = await followOf(c, row.threadId);
  return htmlPage(c, ctx, <MessagePage ctx={ctx} slug={list.slug} m={detail} tree={tree} follow={follow} />);
}

function threadPage(nested: boolean) {
  return async (c: C, pathMid?: string) => {
    const found = await messageOf(c, nested ? "t/" : "T/", pathMid);
    if (!found.ok && !found.phantom) return found.response;
    const list = found.ok ? found.list : found.phantom!.list;
    const row = found.ok ? found.row : null;
    const threadId = found.ok ? found.row.threadId : found.phantom!.threadId;
    const thread = threadId === null ? null : await findThread(c.var.db, list.id, threadId);
    const tree = thread ? await threadTree(c.var.db, thread.id) : [];
    const ids = tree.flatMap((t) => (t.emailId === null ? [] : [t.emailId]));
    const bodies = await emailBodies(c.var.db, ids.length || !row ? ids : [row.id]);
    const entries =
      tree.length || !row
        ? tree
        : [{ ...row, emailId: row.id, parentMessageId: null, depth: 0 } satisfies ThreadMessage];
    const ctx = pageContext(c, listContext(list));
    return htmlPage(
      c,
      ctx,
      <ThreadPage
        ctx={ctx}
        slug={list.slug}
        nested={nested}
        messageId={found.ok ? found.row.messageId : found.phantom!.mid}
        subject={thread?.subject ?? row?.subject ?? ""}
        tree={entries}
        bodies={bodies}
        follow={await followOf(c, thread?.id ?? null)}
      />,
    );
  };
}

/** Patches of two versions paired by subject (a reorder keeps its pair), then by number. */
function pairPatches(from: SeriesVersion, to: SeriesVersion, bodies: Map<number, string>): PatchPair[] {
  const key = (s: string) => normalizeSubject(s);
  const left = [...from.patches];
  const pairs: PatchPair[] = [];
  for (const p of to.patches) {
    let at = left.findIndex((o) => key(o.subject) === key(p.subject));
    if (at < 0) at = left.findIndex((o) => o.number === p.number);
    const old = at >= 0 ? left.splice(at, 1)[0]! : null;
    pairs.push({
      key: String(p.id),
      old,
      new: p,
      diff: old ? interdiff(bodies.get(old.id) ?? "", bodies.get(p.id) ?? "") : null,
    });
  }
  for (const o of left) pairs.push({ key: String(o.id), old: o, new: null, diff: null });
  return pairs;
}

const seriesParams = z.object({ from: idString.optional(), to: idString.optional() });

async function seriesPage(c: C) {
  const slug = c.req.param("list")!;
  const list = await requireListPage(c, slug);
  if (!list) return NOT_LISTS.has(slug) ? undefined : noList(c, slug);
  const id = idString.safeParse(c.req.param("id"));
  const q = seriesParams.safeParse(c.req.query());
  if (!id.success) return badRequest(c, id.error, listContext(list));
  if (!q.success) return badRequest(c, q.error, listContext(list));
  const series = await findSeries(c.var.db, list.id, id.data);
  if (!series) {
    return errorPage(c, 404, "No such series", `No series ${id.data} in ${slug}.`, listContext(list));
  }
  const versions = await seriesWithTallies(c.var.db, list.id, series.lineageKey);
  const n = versions.length;
  const from = versions.find((v) => v.id === q.data.from) ?? (n > 1 ? versions[n - 2]! : null);
  const to = versions.find((v) => v.id === q.data.to) ?? (n > 1 ? versions[n - 1]! : null);
  let pairs: PatchPair[] = [];
  if (from && to && from.id !== to.id) {
    const bodies = await emailBodies(
      c.var.db,
      [...from.patches, ...to.patches].map((p) => p.id),
    );
    pairs = pairPatches(from, to, bodies);
  }
  const ctx = pageContext(c, listContext(list));
  return htmlPage(
    c,
    ctx,
    <SeriesPage
      ctx={ctx}
      slug={slug}
      seriesId={id.data}
      versions={versions}
      from={from}
      to={to}
      pairs={pairs}
      origin={new URL(c.req.url).origin}
    />,
  );
}

/** Lists whose threads the author page shows (the author's busiest). */
const AUTHOR_LISTS = 3;

async function authorPage(c: C) {
  const id = idString.safeParse(c.req.param("id"));
  if (!id.success) return badRequest(c, id.error, null);
  const db = c.var.db;
  const author = await findAuthor(db, id.data);
  if (!author) return errorPage(c, 404, "No such author", `No author ${id.data} in this archive.`);
  const activity = await authorActivity(db, id.data);
  const patches = await listEmails(db, { authorId: id.data, hasPatches: true }, { limit: 20, offset: 0 });
  const reviews = await reviewsBy(db, id.data, 20);
  const threads = [];
  for (const l of author.lists.slice(0, AUTHOR_LISTS)) {
    const list = await findListBySlug(db, l.slug);
    if (!list) continue;
    const window = { limit: 10, offset: 0 };
    const sort = { by: "lastActivity" as const, order: "desc" as const };
    const started = await listThreads(db, list.id, sort, { startedBy: id.data }, window);
    const joined = await listThreads(db, list.id, sort, { authorId: id.data }, window);
    threads.push({ slug: l.slug, started: started.rows, joined: joined.rows });
  }
  const ctx = pageContext(c, null);
  return htmlPage(
    c,
    ctx,
    <AuthorPage
      ctx={ctx}
      author={author}
      activity={activity}
      patches={patches.rows}
      reviews={reviews}
      threads={threads}
    />,
  );
}

/**
 * An id with an unescaped `/` (old links, pasted ids) spans several path segments: whatever lies between the
 * list and the page's suffix is the id, as public-inbox reads it.
 */
function slashedMessage(c: C) {
  const path = new URL(c.req.url).pathname;
  const m = /^\/[^/]+\/(.+?)\/(T\/|t\/)?$/.exec(path);
  if (!m || !m[1]!.includes("/")) return Promise.resolve(undefined);
  let mid: string;
  try {
    mid = decodeURIComponent(m[1]!);
  } catch {
    return Promise.resolve(
      errorPage(c, 400, "Bad request", "The Message-ID in this address is not valid percent-encoding."),
    );
  }
  if (m[2] === "T/") return threadPage(false)(c, mid);
  if (m[2] === "t/") return threadPage(true)(c, mid);
  return messagePage(c, mid);
}

/** Lore's URLs without the trailing slash lead to the page with it. */
function withSlash(c: C) {
  const url = new URL(c.req.url);
  return Promise.resolve(c.redirect(`${url.pathname}/${url.search}`, 301));
}

export const webRouter = new Hono<AppBindings>()
  .get("/", html(home))
  .get("/authors/:id/", html(authorPage))
  .get("/:list/", html(listPage))
  .get("/:list/series/:id/", html(seriesPage))
  .get("/:list/:mid/", html(messagePage))
  .get("/:list/:mid/T/", html(threadPage(false)))
  .get("/:list/:mid/t/", html(threadPage(true)))
  .get("/:list/*", html(slashedMessage))
  .get(
    "/:list",
    html(async (c) => (NOT_LISTS.has(c.req.param("list")!) ? undefined : withSlash(c))),
  );
