import type { Client } from "./sql";

/**
 * `new_reply` notifications for messages just stored: each user watching the thread a message joined gets
 * one, unless they wrote it (their account's address or one of their user_email_addresses). Runs in the
 * batch's transaction, after threading; the unique (user, email) index makes it exactly once however often
 * or concurrently the same mail is imported. Muted follows get nothing.
 */
export async function notifyWatchers(client: Client, emailIds: string[]): Promise<number> {
  if (emailIds.length === 0) return 0;
  const r = await client.query(
    `INSERT INTO notifications (user_id, type, thread_id, email_id)
     SELECT f.user_id, 'new_reply', m.thread_id, e.id
       FROM emails e
       JOIN thread_memberships m ON m.email_id = e.id
       JOIN user_thread_follows f ON f.thread_id = m.thread_id AND f.level = 'watch'
       JOIN users u ON u.id = f.user_id AND NOT u.disabled
       JOIN authors a ON a.id = e.author_id
      WHERE e.id = ANY($1::bigint[])
        AND lower(u.email) <> a.email
        AND NOT EXISTS (SELECT 1 FROM user_email_addresses x WHERE x.user_id = u.id AND x.email = a.email)
     ON CONFLICT (user_id, email_id) DO NOTHING`,
    [emailIds],
  );
  return r.rowCount ?? 0;
}
