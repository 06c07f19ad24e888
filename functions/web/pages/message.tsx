import { Author, anchorHref, FollowForms, MailBody, ThreadTree, type TreeEntry, When } from "../components";
import { Layout, type PageContext } from "../layout";
import {
  anchorOf,
  authorUrl,
  messageUrl,
  rawUrl,
  seriesUrl,
  threadFlatUrl,
  threadMboxUrl,
  threadNestedUrl,
} from "../urls";

export interface MessageView {
  id: number;
  messageId: string;
  subject: string;
  date: Date | string;
  inReplyTo: string | null;
  authorId: number;
  authorEmail: string;
  authorName: string | null;
  body: string;
  seriesId: number | null;
  seriesNumber: number | null;
  seriesTotal: number | null;
  seriesVersion: number | null;
  recipients: { kind: "to" | "cc"; email: string; name: string | null; id: number }[];
}

export interface TreeNode extends TreeEntry {
  parentMessageId: string | null;
}

function People(props: { people: MessageView["recipients"] }) {
  return (
    <>
      {props.people.map((p, i) => (
        <>
          {i > 0 ? ", " : ""}
          <a href={authorUrl(p.id)}>{p.name ? `${p.name} <${p.email}>` : p.email}</a>
        </>
      ))}
    </>
  );
}

export interface FollowState {
  threadId: number;
  level: "watch" | "mute" | null;
}

export function MessagePage(props: {
  ctx: PageContext;
  slug: string;
  m: MessageView;
  tree: TreeNode[];
  follow: FollowState | null;
}) {
  const { m, slug, tree } = props;
  const at = tree.findIndex((t) => t.messageId === m.messageId);
  const parent = m.inReplyTo ? tree.find((t) => t.messageId === m.inReplyTo) : undefined;
  const replies = tree.filter((t) => t.parentMessageId === m.messageId && t.emailId !== null);
  const real = (t: TreeNode | undefined) => (t && t.emailId !== null ? t : undefined);
  const prev = real(
    tree
      .slice(0, Math.max(at, 0))
      .reverse()
      .find((t) => t.emailId !== null),
  );
  const next = at >= 0 ? real(tree.slice(at + 1).find((t) => t.emailId !== null)) : undefined;
  const to = m.recipients.filter((r) => r.kind === "to");
  const cc = m.recipients.filter((r) => r.kind === "cc");
  return (
    <Layout ctx={props.ctx} title={m.subject || "(no subject)"} crumbs={[{ label: "message" }]}>
      <article class="m" id={anchorOf(m.id, m.messageId)}>
        <h1>{m.subject || "(no subject)"}</h1>
        <dl class="hdrs">
          <dt>From</dt>
          <dd>
            <Author id={m.authorId} name={m.authorName} email={null} /> &lt;{m.authorEmail}&gt;
          </dd>
          <dt>Date</dt>
          <dd>
            <When date={m.date} />
          </dd>
          {to.length ? (
            <>
              <dt>To</dt>
              <dd>
                <People people={to} />
              </dd>
            </>
          ) : null}
          {cc.length ? (
            <>
              <dt>Cc</dt>
              <dd>
                <People people={cc} />
              </dd>
            </>
          ) : null}
          <dt>Message-ID</dt>
          <dd>&lt;{m.messageId}&gt;</dd>
          {m.seriesId !== null ? (
            <>
              <dt>Series</dt>
              <dd>
                <a href={seriesUrl(slug, m.seriesId)}>
                  {`v${m.seriesVersion ?? 1}${m.seriesNumber !== null ? `, ${m.seriesNumber}/${m.seriesTotal ?? "?"}` : ""}`}
                </a>
              </dd>
            </>
          ) : null}
        </dl>
        <nav class="links" aria-label="This message">
          {m.inReplyTo ? (
            parent?.emailId != null ? (
              <a href={messageUrl(slug, m.inReplyTo)} rel="up">
                parent
              </a>
            ) : (
              <span class="dim">parent not archived</span>
            )
          ) : null}
          {prev ? (
            <a href={messageUrl(slug, prev.messageId)} rel="prev">
              previous in thread
            </a>
          ) : null}
          {next ? (
            <a href={messageUrl(slug, next.messageId)} rel="next">
              next in thread
            </a>
          ) : null}
          <a href={`${threadFlatUrl(slug, m.messageId)}#${anchorOf(m.id, m.messageId)}`}>thread</a>
          <a href={`${threadNestedUrl(slug, m.messageId)}#${anchorOf(m.id, m.messageId)}`}>nested</a>
          <a href={rawUrl(slug, m.messageId)}>raw</a>
          <a href={threadMboxUrl(slug, m.messageId)}>t.mbox.gz</a>
        </nav>
        {props.follow ? <FollowForms ctx={props.ctx} {...props.follow} /> : null}
        <MailBody body={m.body} list={slug} />
      </article>
      <h2>{replies.length === 0 ? "No replies" : `Replies (${replies.length})`}</h2>
      {replies.length ? (
        <ul>
          {replies.map((r) => (
            <li>
              <a href={messageUrl(slug, r.messageId)}>{r.subject || "(no subject)"}</a>{" "}
              <span class="dim">
                {r.authorName || r.authorEmail} <When date={r.date} />
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {tree.length > 1 ? (
        <>
          <h2>Thread ({tree.filter((t) => t.emailId !== null).length} messages)</h2>
          <ThreadTree entries={tree} current={m.messageId} hrefOf={(e) => messageUrl(slug, e.messageId)} />
        </>
      ) : null}
    </Layout>
  );
}

export { anchorHref };
