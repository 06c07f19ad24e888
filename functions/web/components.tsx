import type { Child } from "hono/jsx";
import { ActionForm, type PageContext } from "./layout";
import { type Block, FOLD_QUOTE_LINES, type Line, mailBlocks, type Span } from "./mail-view";
import { anchorOf, authorUrl, followUrl, messageUrl, signInUrl } from "./urls";

/** Pieces several pages share. Every string from mail goes in as a JSX child or attribute: escaped. */

export function When(props: { date: Date | string | null }) {
  if (props.date === null) return <span class="dim">no date</span>;
  const d = props.date instanceof Date ? props.date : new Date(props.date);
  if (Number.isNaN(d.getTime())) return <span class="dim">bad date</span>;
  const iso = d.toISOString();
  return <time datetime={iso}>{`${iso.slice(0, 10)} ${iso.slice(11, 16)}`}</time>;
}

export const dayOf = (date: Date | string) => new Date(date).toISOString().slice(0, 10);

export function Author(props: { id: number | null; name: string | null; email: string | null }) {
  const label = props.name || props.email || "unknown";
  if (props.id === null) return <span>{label}</span>;
  return <a href={authorUrl(props.id)}>{label}</a>;
}

function SpanOf(props: { span: Span; list: string }) {
  const s = props.span;
  if ("href" in s)
    return (
      <a href={s.href} rel="nofollow noreferrer">
        {s.text}
      </a>
    );
  if ("mid" in s) return <a href={messageUrl(props.list, s.mid)}>{s.text}</a>;
  return <>{s.text}</>;
}

const LINE_CLASS: Partial<Record<Line["kind"], string>> = {
  trailer: "t",
  file: "f",
  hunk: "h",
  add: "a",
  del: "d",
  meta: "x",
  diffstat: "x",
};

/** Lines as text, each run of lines of one kind in one element (a diff is thousands of lines: fewer nodes). */
function Lines(props: { lines: Line[]; list: string }) {
  const out: Child[] = [];
  let run: { cls: string | undefined; text: string } | null = null;
  const flush = () => {
    if (run) out.push(run.cls ? <span class={run.cls}>{run.text}</span> : run.text);
    run = null;
  };
  props.lines.forEach((line, i) => {
    const nl = i < props.lines.length - 1 ? "\n" : "";
    const cls = LINE_CLASS[line.kind];
    const plain = line.spans.length === 1 && !("href" in line.spans[0]!) && !("mid" in line.spans[0]!);
    if (plain) {
      if (run && run.cls !== cls) flush();
      run ??= { cls, text: "" };
      run.text += line.spans[0]!.text + nl;
      return;
    }
    flush();
    const spans = line.spans.map((s) => <SpanOf span={s} list={props.list} />);
    out.push(cls ? <span class={cls}>{spans}</span> : spans, nl);
  });
  flush();
  return <>{out}</>;
}

function BlockOf(props: { block: Block; list: string }) {
  const b = props.block;
  if (b.kind === "quote") {
    const pre = (
      <pre class={`q${Math.min(b.level, 6)}`}>
        <Lines lines={b.lines} list={props.list} />
      </pre>
    );
    if (b.lines.length <= FOLD_QUOTE_LINES) return pre;
    return (
      <details>
        <summary>{`${b.lines.length} quoted lines`}</summary>
        {pre}
      </details>
    );
  }
  // a diff keeps its lines and scrolls sideways: focusable, so the keyboard can scroll it too
  return (
    <div class={b.kind === "diff" ? "diff" : b.kind === "signature" ? "sig" : undefined}>
      <pre tabindex={b.kind === "diff" ? 0 : undefined}>
        <Lines lines={b.lines} list={props.list} />
      </pre>
    </div>
  );
}

/** A message body for reading (functions/web/mail-view.ts decides what each line is). */
export function MailBody(props: { body: string; list: string }) {
  const blocks = mailBlocks(props.body);
  if (blocks.length === 0) return <p class="dim">(no text)</p>;
  return (
    <div class="body">
      {blocks.map((b) => (
        <BlockOf block={b} list={props.list} />
      ))}
    </div>
  );
}

export interface TreeEntry {
  messageId: string;
  emailId: number | null;
  depth: number;
  subject: string | null;
  date: Date | string | null;
  authorName: string | null;
  authorEmail: string | null;
}

/** The thread's subjects as a tree, each linking to its message's anchor (or its page). */
export function ThreadTree(props: {
  entries: TreeEntry[];
  hrefOf: (e: TreeEntry) => string;
  current?: string;
}) {
  let previous: string | null = null;
  return (
    <ul class="tree">
      {props.entries.map((e) => {
        const subject = e.subject ?? "";
        const same = previous !== null && subject.replace(/^(re|aw|sv):\s*/i, "") === previous;
        previous = subject.replace(/^(re|aw|sv):\s*/i, "");
        const who = e.authorName || e.authorEmail || "";
        return (
          <li class={`d${Math.min(e.depth, 10)}`}>
            {e.emailId === null ? (
              <span class="dim">[not in the archive]</span>
            ) : e.messageId === props.current ? (
              <strong aria-current="page">{same ? "…" : subject}</strong>
            ) : (
              <a href={props.hrefOf(e)}>{same ? "…" : subject || "(no subject)"}</a>
            )}
            {e.emailId !== null ? (
              <span class="dim">
                {" "}
                {who} {e.date ? dayOf(e.date) : ""}
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

export const anchorHref = (e: TreeEntry) => `#${anchorOf(e.emailId, e.messageId)}`;

export function Pager(props: { prev: string | null; next: string | null; label: string }) {
  if (!props.prev && !props.next) return null;
  return (
    <nav class="pager" aria-label={props.label}>
      {props.prev ? (
        <a href={props.prev} rel="prev">
          ← newer
        </a>
      ) : null}
      {props.next ? (
        <a href={props.next} rel="next">
          older →
        </a>
      ) : null}
    </nav>
  );
}

/** Watch / Mute / Unfollow a thread, each a small form, with the current level; a sign-in link when anonymous. */
export function FollowForms(props: { ctx: PageContext; threadId: number; level: "watch" | "mute" | null }) {
  const { ctx, threadId, level } = props;
  if (!ctx.account)
    return (
      <p class="follow">
        <a href={signInUrl(ctx.path)}>Sign in</a> to watch this thread.
      </p>
    );
  const action = followUrl(threadId);
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of forms, not a fieldset of one form
    <div class="follow" role="group" aria-label="Follow this thread">
      <span class="dim">
        {level === "watch"
          ? "You watch this thread."
          : level === "mute"
            ? "You muted this thread."
            : "You do not follow this thread."}
      </span>
      {level !== "watch" ? (
        <ActionForm ctx={ctx} action={action} fields={{ level: "watch" }} label="Watch" />
      ) : null}
      {level !== "mute" ? (
        <ActionForm ctx={ctx} action={action} fields={{ level: "mute" }} label="Mute" />
      ) : null}
      {level ? <ActionForm ctx={ctx} action={action} fields={{ level: "none" }} label="Unfollow" /> : null}
    </div>
  );
}
