import type { Interdiff } from "../../mail/interdiff";
import type { seriesWithTallies, Tally } from "../../series/view";
import { Author, When } from "../components";
import { Layout, type PageContext } from "../layout";
import { messageUrl, seriesUrl } from "../urls";

export type SeriesVersion = Awaited<ReturnType<typeof seriesWithTallies>>[number];
type Patch = SeriesVersion["patches"][number];

export interface PatchPair {
  key: string;
  old: Patch | null;
  new: Patch | null;
  diff: Interdiff | null;
}

const TALLIES: [keyof Tally, string][] = [
  ["reviewedBy", "Reviewed-by"],
  ["ackedBy", "Acked-by"],
  ["testedBy", "Tested-by"],
  ["nackedBy", "Nacked-by"],
];

function TallyOf(props: { tally: Tally }) {
  const parts = TALLIES.filter(([k]) => props.tally[k].length > 0);
  if (parts.length === 0) return <div class="meta">no review yet</div>;
  return (
    <ul class="meta">
      {parts.map(([k, label]) => (
        <li>
          <span class="t">{`${label} ${props.tally[k].length}`}</span>:{" "}
          {props.tally[k].map((p) => p.name || p.email).join(", ")}
        </li>
      ))}
    </ul>
  );
}

const versionLabel = (v: SeriesVersion) => `v${v.version}`;

/** The message b4 starts from: the cover letter, else the first patch. */
export const b4Start = (v: SeriesVersion) => v.coverLetter?.messageId ?? v.patches[0]?.messageId ?? null;

export function SeriesPage(props: {
  ctx: PageContext;
  slug: string;
  seriesId: number;
  versions: SeriesVersion[];
  from: SeriesVersion | null;
  to: SeriesVersion | null;
  pairs: PatchPair[];
  origin: string;
}) {
  const { slug, versions } = props;
  const latest = versions[versions.length - 1]!;
  const rows = Math.max(
    ...versions.map((v) => Math.max(v.total ?? 0, ...v.patches.map((p) => p.number ?? 0))),
    0,
  );
  const patchAt = (v: SeriesVersion, n: number) => v.patches.filter((p) => (p.number ?? 1) === n);
  return (
    <Layout ctx={props.ctx} title={`series: ${latest.title}`} crumbs={[{ label: "series" }]}>
      <h1>{latest.title}</h1>
      <p class="meta">
        <Author id={latest.author.id} name={latest.author.name} email={latest.author.email} /> ·{" "}
        {versions.length} {versions.length === 1 ? "version" : "versions"}
      </p>
      <h2>Versions side by side</h2>
      <div class="wrap">
        <table class="vers">
          <caption class="dim">Each patch of each version, with the trailers given on it</caption>
          <thead>
            <tr>
              <th scope="col">Patch</th>
              {versions.map((v) => (
                <th scope="col">
                  {v.id === props.seriesId ? (
                    <strong>{versionLabel(v)}</strong>
                  ) : (
                    <a href={seriesUrl(slug, v.id)}>{versionLabel(v)}</a>
                  )}
                  <div class="meta">
                    <When date={v.firstDate} />
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {versions.some((v) => v.coverLetter) ? (
              <tr>
                <th scope="row">0 (cover)</th>
                {versions.map((v) => (
                  <td>
                    {v.coverLetter ? (
                      <>
                        <a href={messageUrl(slug, v.coverLetter.messageId)}>{v.coverLetter.subject}</a>
                        <TallyOf tally={v.coverLetter.trailers} />
                      </>
                    ) : (
                      <span class="dim">none</span>
                    )}
                  </td>
                ))}
              </tr>
            ) : null}
            {Array.from({ length: Math.max(rows, 1) }, (_, i) => i + 1).map((n) => (
              <tr>
                <th scope="row" class="n">
                  {n}
                </th>
                {versions.map((v) => {
                  const here = patchAt(v, n);
                  return (
                    <td>
                      {here.length === 0 ? <span class="dim">—</span> : null}
                      {here.map((p) => (
                        <>
                          <a href={messageUrl(slug, p.messageId)}>{p.subject}</a>
                          <div class="meta">
                            {`${p.files.length} ${p.files.length === 1 ? "file" : "files"}, +${p.insertions ?? 0} −${p.deletions ?? 0}`}
                          </div>
                          <TallyOf tally={p.trailers} />
                        </>
                      ))}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Apply with b4</h2>
      {versions.map((v) => {
        const start = b4Start(v);
        if (!start) return null;
        const id = `b4-${v.id}`;
        return (
          <div class="cmd">
            <pre class="cmd" id={id} tabindex={0}>
              {`b4 am -v ${v.version} '${start.replace(/'/g, "'\\''")}'`}
            </pre>
            <button type="button" data-copy={id} hidden>
              copy
            </button>
          </div>
        );
      })}
      <p class="meta">
        b4 fetches from lore.kernel.org; to fetch from this server instead:{" "}
        <code>{`git config b4.midmask '${props.origin}/${slug}/%s'`}</code>
      </p>
      {versions.length > 1 ? (
        <>
          <h2 id="diff">Changes between versions</h2>
          <form class="search" method="get" action={`${seriesUrl(slug, props.seriesId)}#diff`}>
            <label for="from" class="dim">
              from
            </label>
            <select id="from" name="from">
              {versions.map((v) => (
                <option value={String(v.id)} selected={v.id === props.from?.id}>
                  {versionLabel(v)}
                </option>
              ))}
            </select>
            <label for="to" class="dim">
              to
            </label>
            <select id="to" name="to">
              {versions.map((v) => (
                <option value={String(v.id)} selected={v.id === props.to?.id}>
                  {versionLabel(v)}
                </option>
              ))}
            </select>
            <button type="submit">Compare</button>
          </form>
          {props.from && props.to ? (
            <p class="meta">
              {`${versionLabel(props.from)} → ${versionLabel(props.to)}: what each patch changed, as git range-diff compares them`}
            </p>
          ) : null}
          {props.pairs.map((p) => {
            const subject = (p.new ?? p.old)!.subject;
            if (!p.old || !p.new) {
              return (
                <p>
                  <span class="tag">{p.old ? "dropped" : "new"}</span> {subject}
                </p>
              );
            }
            const d = p.diff!;
            if (d.lines.length === 0)
              return (
                <p>
                  <span class="tag">unchanged</span> {subject}
                </p>
              );
            return (
              <details class="patch" open={props.pairs.length <= 3}>
                <summary>
                  {subject} <span class="meta">{`+${d.added} −${d.removed} lines`}</span>
                </summary>
                <pre class="idiff" tabindex={0}>
                  {d.lines.map((l, i) => {
                    const text = `${l.op === "~" ? "@@" : l.op} ${l.text}${i < d.lines.length - 1 ? "\n" : ""}`;
                    return l.op === "+" ? (
                      <span class="a">{text}</span>
                    ) : l.op === "-" ? (
                      <span class="d">{text}</span>
                    ) : l.op === "~" ? (
                      <span class="h">{text}</span>
                    ) : (
                      text
                    );
                  })}
                </pre>
              </details>
            );
          })}
        </>
      ) : null}
    </Layout>
  );
}
