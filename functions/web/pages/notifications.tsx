import { When } from "../components";
import { ActionForm, Layout, type PageContext } from "../layout";
import { MARK_READ_URL, messageUrl } from "../urls";

export interface NotificationRow {
  id: number;
  list: string;
  messageId: string | null;
  subject: string | null;
  date: Date | null;
  readAt: Date | null;
}

/** The signed-in user's notifications, newest first, each with its "mark read" forms. */
export function NotificationsPage(props: {
  ctx: PageContext;
  rows: NotificationRow[];
  total: number;
  offset: number;
  pageSize: number;
  unreadOnly: boolean;
}) {
  const { ctx, rows, total, offset, pageSize, unreadOnly } = props;
  const page = (o: number) => `/notifications?${unreadOnly ? "unread=1&" : ""}o=${o}`;
  const anyUnread = rows.some((r) => r.readAt === null);
  return (
    <Layout ctx={ctx} title="Notifications" crumbs={[{ label: "notifications" }]}>
      <h1>Notifications</h1>
      <p class="links">
        <span class="dim">{`${total} ${unreadOnly ? "unread" : "in all"}`}</span>
        {unreadOnly ? <a href="/notifications">all</a> : <a href="/notifications?unread=1">unread only</a>}
      </p>
      {offset === 0 && anyUnread ? (
        <ActionForm ctx={ctx} action={MARK_READ_URL} fields={{ upTo: rows[0]!.id }} label="Mark all read" />
      ) : null}
      {rows.length === 0 ? <p>No notifications. Watch a thread to hear of its new replies.</p> : null}
      <ul class="notes">
        {rows.map((n) => (
          <li class={n.readAt === null ? "unread" : "read"}>
            {n.messageId ? (
              <a href={messageUrl(n.list, n.messageId)}>{n.subject || "(no subject)"}</a>
            ) : (
              <span>(message no longer archived)</span>
            )}{" "}
            <span class="dim">
              {n.list} · <When date={n.date} /> · {n.readAt === null ? <strong>unread</strong> : "read"}
            </span>
            {n.readAt === null ? (
              <>
                <ActionForm
                  ctx={ctx}
                  action={MARK_READ_URL}
                  fields={{ id: n.id }}
                  label="Mark read"
                  name={`Mark read: ${n.subject || "(no subject)"}`}
                />
                <ActionForm
                  ctx={ctx}
                  action={MARK_READ_URL}
                  fields={{ upTo: n.id }}
                  label="Mark read up to here"
                  name={`Mark read up to here: ${n.subject || "(no subject)"} and every older one`}
                />
              </>
            ) : null}
          </li>
        ))}
      </ul>
      <nav class="pager" aria-label="Pages">
        {offset > 0 ? <a href={page(Math.max(0, offset - pageSize))}>newer</a> : null}
        {offset + rows.length < total ? <a href={page(offset + pageSize)}>older</a> : null}
      </nav>
    </Layout>
  );
}
