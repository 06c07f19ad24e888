import type { ThreadSummaryRow } from "../../api/v1/present";
import { Author, dayOf, Pager, When } from "../components";
import { Layout, type PageContext, SearchBox } from "../layout";
import { listUrl, messageUrl, seriesUrl, threadFlatUrl } from "../urls";

/** A thread of the list: the API's thread summary row and the series its root starts, if any. */
export interface ThreadRow extends ThreadSummaryRow {
  rootSeriesId: number | null;
}

export interface ListFilters {
  since?: string;
  until?: string;
  patches?: boolean;
}

export function ListPage(props: {
  ctx: PageContext;
  list: { slug: string; name: string; description: string | null };
  threads: ThreadRow[];
  total: number;
  offset: number;
  pageSize: number;
  filters: ListFilters;
}) {
  const { list, filters } = props;
  const href = (o: number) => {
    const p = new URLSearchParams();
    if (o > 0) p.set("o", String(o));
    if (filters.since) p.set("since", filters.since);
    if (filters.until) p.set("until", filters.until);
    if (filters.patches) p.set("patches", "1");
    const s = p.toString();
    return s ? `${listUrl(list.slug)}?${s}` : listUrl(list.slug);
  };
  const first = props.offset + 1;
  const last = props.offset + props.threads.length;
  return (
    <Layout ctx={props.ctx} title={`${list.slug}: threads`}>
      <h1>{list.name || list.slug}</h1>
      {list.description ? <p class="dim">{list.description}</p> : null}
      <SearchBox list={props.ctx.list} />
      <form class="search" method="get" action={listUrl(list.slug)} aria-label="Filter threads">
        <label for="since" class="dim">
          Active since
        </label>
        <input type="date" id="since" name="since" value={filters.since ?? ""} />
        <label for="until" class="dim">
          started until
        </label>
        <input type="date" id="until" name="until" value={filters.until ?? ""} />
        <label>
          <input type="checkbox" name="patches" value="1" checked={filters.patches} /> patches only
        </label>
        <button type="submit">Filter</button>
      </form>
      <h2>
        Threads by latest activity{" "}
        <span class="meta">{props.total === 0 ? "none" : `${first}–${last} of ${props.total}`}</span>
      </h2>
      <ul class="threads">
        {props.threads.map((t) => (
          <li>
            <a
              class="s"
              href={
                t.rootEmailId === null
                  ? threadFlatUrl(list.slug, t.rootMessageId)
                  : messageUrl(list.slug, t.rootMessageId)
              }
            >
              {t.subject || "(no subject)"}
            </a>
            {t.hasPatches ? <span class="tag p">patch</span> : null}
            {t.rootSeriesId !== null ? (
              <a class="tag r" href={seriesUrl(list.slug, t.rootSeriesId)}>
                series
              </a>
            ) : null}
            <div class="meta">
              <Author id={t.starterId} name={t.starterName} email={t.starterEmail} />
              {" · "}
              {t.messageCount - 1} {t.messageCount === 2 ? "reply" : "replies"}
              {" · "}
              {dayOf(t.startDate) === dayOf(t.lastDate) ? (
                <When date={t.lastDate} />
              ) : (
                <>
                  {dayOf(t.startDate)} – <When date={t.lastDate} />
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      <Pager
        label="Pages of threads"
        prev={props.offset > 0 ? href(Math.max(0, props.offset - props.pageSize)) : null}
        next={last < props.total ? href(props.offset + props.pageSize) : null}
      />
    </Layout>
  );
}
