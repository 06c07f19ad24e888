import { Author, anchorHref, FollowForms, MailBody, ThreadTree, When } from "../components";
import { Layout, type PageContext } from "../layout";
import { anchorOf, messageUrl, rawUrl, threadFlatUrl, threadMboxUrl, threadNestedUrl } from "../urls";
import type { FollowState, TreeNode } from "./message";

export interface ThreadMessage extends TreeNode {
  authorId: number | null;
}

/** A whole thread: `/T/` flat in thread order, `/t/` nested by reply depth; the tree of subjects on top. */
export function ThreadPage(props: {
  ctx: PageContext;
  slug: string;
  nested: boolean;
  /** the message the URL names */
  messageId: string;
  subject: string;
  tree: ThreadMessage[];
  bodies: Map<number, string>;
  follow: FollowState | null;
}) {
  const { slug, tree } = props;
  const count = tree.filter((t) => t.emailId !== null).length;
  const root = tree[0]?.messageId ?? props.messageId;
  const archived = new Map(tree.filter((t) => t.emailId !== null).map((t) => [t.messageId, t.emailId]));
  return (
    <Layout
      ctx={props.ctx}
      title={`${props.subject || "(no subject)"} (thread)`}
      crumbs={[
        { href: messageUrl(slug, props.messageId), label: "message" },
        { label: props.nested ? "t" : "T" },
      ]}
    >
      <h1>{props.subject || "(no subject)"}</h1>
      <p class="links">
        <span class="dim">{`${count} messages`}</span>
        {props.nested ? (
          <a href={threadFlatUrl(slug, props.messageId)}>flat</a>
        ) : (
          <a href={threadNestedUrl(slug, props.messageId)}>nested</a>
        )}
        <a href={threadMboxUrl(slug, root)}>t.mbox.gz</a>
        <span class="dim">j / k: next / previous message</span>
      </p>
      {props.follow ? <FollowForms ctx={props.ctx} {...props.follow} /> : null}
      <nav aria-label="Messages of the thread">
        <ThreadTree entries={tree} hrefOf={anchorHref} />
      </nav>
      {tree.map((t) => {
        if (t.emailId === null) return null;
        const id = anchorOf(t.emailId, t.messageId);
        return (
          <article
            class={props.nested ? `m n${Math.min(t.depth, 5)}` : "m"}
            id={id}
            aria-labelledby={`h${id}`}
          >
            <h2 id={`h${id}`}>
              <a href={messageUrl(slug, t.messageId)}>{t.subject || "(no subject)"}</a>
            </h2>
            <div class="meta">
              <Author id={t.authorId} name={t.authorName} email={t.authorEmail} /> · <When date={t.date} /> ·{" "}
              <a href={rawUrl(slug, t.messageId)}>raw</a>
              {t.parentMessageId && archived.has(t.parentMessageId) ? (
                <>
                  {" · "}
                  <a href={`#${anchorOf(archived.get(t.parentMessageId)!, t.parentMessageId)}`}>parent</a>
                </>
              ) : null}
            </div>
            <MailBody body={props.bodies.get(t.emailId) ?? ""} list={slug} />
          </article>
        );
      })}
    </Layout>
  );
}
