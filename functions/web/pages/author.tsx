import type { authorActivity, findAuthor, reviewsBy } from "../../../db/queries/authors";
import { When } from "../components";
import { Layout, type PageContext } from "../layout";
import { listUrl, messageUrl, threadFlatUrl } from "../urls";
import type { ThreadRow } from "./list";

type AuthorDetail = NonNullable<Awaited<ReturnType<typeof findAuthor>>>;

export interface SentPatch {
  listSlug: string;
  messageId: string;
  subject: string;
  date: Date | string;
}

export interface ListThreads {
  slug: string;
  started: ThreadRow[];
  joined: ThreadRow[];
}

function Activity(props: { years: Awaited<ReturnType<typeof authorActivity>> }) {
  if (props.years.length === 0) return null;
  const first = props.years[0]!.year;
  const last = props.years[props.years.length - 1]!.year;
  const span = last - first + 1;
  const max = Math.max(...props.years.map((y) => y.emailCount));
  const w = 22;
  const h = 80;
  const by = new Map(props.years.map((y) => [y.year, y.emailCount]));
  const years = Array.from({ length: span }, (_, i) => first + i);
  return (
    <figure>
      <svg
        class="bars"
        role="img"
        aria-labelledby="act-title"
        viewBox={`0 0 ${span * w} ${h + 14}`}
        width={String(Math.min(span * w, 660))}
      >
        <title id="act-title">{`Messages per year, ${first} to ${last}`}</title>
        {years.map((y, i) => {
          const n = by.get(y) ?? 0;
          const bh = n === 0 ? 0 : Math.max(2, Math.round((n / max) * h));
          return (
            <g>
              <rect x={String(i * w + 2)} y={String(h - bh)} width={String(w - 4)} height={String(bh)}>
                <title>{`${y}: ${n} messages`}</title>
              </rect>
              {i % Math.ceil(span / 8) === 0 ? (
                <text x={String(i * w + 1)} y={String(h + 12)}>
                  {String(y)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption id="act-cap" class="meta">
        Messages per year, {first}–{last}: {props.years.map((y) => `${y.year}: ${y.emailCount}`).join(", ")}
      </figcaption>
    </figure>
  );
}

function Threads(props: { slug: string; rows: ThreadRow[] }) {
  if (props.rows.length === 0) return <p class="dim">none</p>;
  return (
    <ul class="threads">
      {props.rows.map((t) => (
        <li>
          <a
            href={
              t.rootEmailId === null
                ? threadFlatUrl(props.slug, t.rootMessageId)
                : messageUrl(props.slug, t.rootMessageId)
            }
          >
            {t.subject || "(no subject)"}
          </a>{" "}
          <span class="meta">
            {t.messageCount} messages · <When date={t.lastDate} />
          </span>
        </li>
      ))}
    </ul>
  );
}

export function AuthorPage(props: {
  ctx: PageContext;
  author: AuthorDetail;
  activity: Awaited<ReturnType<typeof authorActivity>>;
  patches: SentPatch[];
  reviews: Awaited<ReturnType<typeof reviewsBy>>;
  threads: ListThreads[];
}) {
  const a = props.author;
  const name = a.name || a.email;
  return (
    <Layout ctx={props.ctx} title={name} crumbs={[{ label: "author" }]}>
      <h1>{name}</h1>
      <dl class="hdrs">
        <dt>Address</dt>
        <dd>{a.email}</dd>
        <dt>Names used</dt>
        <dd>{a.aliases.length ? a.aliases.map((x) => `${x.name} (${x.usageCount})`).join(", ") : name}</dd>
        <dt>Active</dt>
        <dd>
          <When date={a.firstSeen} /> – <When date={a.lastSeen} />
        </dd>
      </dl>
      <h2>Lists</h2>
      <ul>
        {a.lists.map((l) => (
          <li>
            <a href={listUrl(l.slug)}>{l.slug}</a>{" "}
            <span class="meta">
              {l.emailCount} messages in {l.threadCount} threads
            </span>
          </li>
        ))}
      </ul>
      <h2>Activity over time</h2>
      <Activity years={props.activity} />
      <div class="cols">
        <section aria-labelledby="sent">
          <h2 id="sent">Patches sent (latest {props.patches.length})</h2>
          {props.patches.length === 0 ? <p class="dim">none</p> : null}
          <ul>
            {props.patches.map((p) => (
              <li>
                <a href={messageUrl(p.listSlug, p.messageId)}>{p.subject || "(no subject)"}</a>{" "}
                <span class="meta">
                  <When date={p.date} />
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="reviewed">
          <h2 id="reviewed">Patches reviewed (latest {props.reviews.length})</h2>
          {props.reviews.length === 0 ? <p class="dim">none</p> : null}
          <ul>
            {props.reviews.map((r) => (
              <li>
                <span class="t">{r.key}</span>{" "}
                <a href={messageUrl(r.list, r.messageId)}>{r.patchSubject ?? "(patch not archived)"}</a>{" "}
                <span class="meta">
                  <When date={r.date} />
                </span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      {props.threads.map((t) => (
        <div class="cols">
          <section aria-label={`Threads started in ${t.slug}`}>
            <h2>Threads started in {t.slug}</h2>
            <Threads slug={t.slug} rows={t.started} />
          </section>
          <section aria-label={`Threads joined in ${t.slug}`}>
            <h2>Threads joined in {t.slug}</h2>
            <Threads slug={t.slug} rows={t.joined} />
          </section>
        </div>
      ))}
    </Layout>
  );
}
