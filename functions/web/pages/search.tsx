import type { searchList } from "../../api/v1/search";
import { Author, When } from "../components";
import { Layout, type PageContext } from "../layout";
import { listUrl, messageUrl } from "../urls";

type SearchResult = Awaited<ReturnType<typeof searchList>>;

export const PAGE_MODES = ["lexical", "fuzzy", "hybrid"] as const;

export interface SearchPageProps {
  ctx: PageContext;
  q: string;
  mode: string;
  /** lore's `&r`: lexical hits by relevance instead of newest first */
  relevance: boolean;
  offset: number;
  pageSize: number;
  result: SearchResult | null;
  /** a query the parser refused, with where */
  syntaxError?: { message: string; position: number };
  /** any other refusal of the query (a 4xx of the search) */
  problem?: string;
}

function SearchForm(props: { ctx: PageContext; q: string; mode: string; relevance: boolean }) {
  const action = props.ctx.list ? listUrl(props.ctx.list.slug) : "/all/";
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is too new for the phones this must work on
    <form class="search" role="search" method="get" action={action}>
      <label for="q" class="dim">
        Search {props.ctx.list ? props.ctx.list.slug : "all lists"}
      </label>
      <input type="search" id="q" name="q" value={props.q} />
      <fieldset>
        <legend class="dim">Mode</legend>
        {PAGE_MODES.map((m) => (
          <label>
            <input type="radio" name="mode" value={m} checked={props.mode === m} /> {m}
          </label>
        ))}
      </fieldset>
      <label>
        <input type="checkbox" name="r" value="1" checked={props.relevance} /> sort by relevance
      </label>
      <button type="submit">Search</button>
    </form>
  );
}

export function SearchPage(props: SearchPageProps) {
  const { ctx, result } = props;
  const slug = ctx.list?.slug ?? null;
  const href = (o: number) => {
    const p = new URLSearchParams({ q: props.q });
    if (props.mode !== "lexical") p.set("mode", props.mode);
    if (props.relevance) p.set("r", "1");
    if (o > 0) p.set("o", String(o));
    return `${slug ? listUrl(slug) : "/all/"}?${p}`;
  };
  const total = result?.meta.total ?? 0;
  const shownTo = props.offset + (result?.data.length ?? 0);
  return (
    <Layout ctx={ctx} title={props.q ? `search: ${props.q}` : "search"} crumbs={[{ label: "search" }]}>
      <h1>Search {slug ?? "all lists"}</h1>
      <SearchForm ctx={ctx} q={props.q} mode={props.mode} relevance={props.relevance} />
      <details>
        <summary class="dim">Query syntax</summary>
        <p class="meta">
          Words must all match; "a phrase"; word*; AND, OR, NOT, -word; ( … ). Prefixes: s: subject, f: from,
          b: body, t: To, c: Cc, a: any address, m: Message-ID, d: date range (d:2020-01..2020-06,
          d:2.weeks.ago..), dfn: a file a patch touches.
        </p>
      </details>
      {props.syntaxError ? (
        <div class="err" role="alert">
          <strong>The query has a syntax error</strong> at character {props.syntaxError.position + 1}:{" "}
          {props.syntaxError.message}
          <pre>{`${props.q}\n${" ".repeat(Math.min(props.syntaxError.position, props.q.length))}^`}</pre>
        </div>
      ) : null}
      {props.problem ? (
        <div class="err" role="alert">
          {props.problem}
        </div>
      ) : null}
      {result ? (
        <>
          <h2 data-cached={String(result.meta.cached)}>
            {total === 0
              ? "No thread matches"
              : `Threads ${props.offset + 1}–${shownTo} of ${total}${result.meta.capped ? "+" : ""}`}
            <span class="meta">
              {" "}
              · {result.meta.sort === "date" ? "newest first" : "by relevance"} · {result.meta.tookMs} ms
            </span>
          </h2>
          {result.meta.fallback ? <p class="meta">{result.meta.fallback.reason}</p> : null}
          {result.data.map((g) => (
            <section aria-label={g.thread.subject || "(no subject)"}>
              <h3>
                <a href={messageUrl(g.thread.list, g.hits[0]!.messageId)}>
                  {g.thread.subject || "(no subject)"}
                </a>
                <span class="meta">
                  {" "}
                  {slug ? "" : `${g.thread.list} · `}
                  {g.thread.messageCount} messages · {g.hitCount} {g.hitCount === 1 ? "hit" : "hits"}
                </span>
              </h3>
              {g.hits.map((h) => (
                <div class="hit">
                  <a href={messageUrl(g.thread.list, h.messageId)}>{h.subject || "(no subject)"}</a>
                  <div class="meta">
                    <Author id={h.author.id} name={h.author.name} email={h.author.email} /> ·{" "}
                    <When date={h.date} />
                    {h.patchType !== "none" ? <span class="tag p">patch</span> : null}
                  </div>
                  {/* snippetHtml (functions/search/snippet.ts) escapes the text and adds only <mark> */}
                  {h.snippet ? <div class="snip" dangerouslySetInnerHTML={{ __html: h.snippet }} /> : null}
                </div>
              ))}
            </section>
          ))}
          <nav class="pager" aria-label="Pages of results">
            {props.offset > 0 ? (
              <a href={href(Math.max(0, props.offset - props.pageSize))} rel="prev">
                ← previous
              </a>
            ) : null}
            {shownTo < total ? (
              <a href={href(props.offset + props.pageSize)} rel="next">
                next →
              </a>
            ) : null}
          </nav>
        </>
      ) : null}
    </Layout>
  );
}
