import { and, count, desc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../client";
import { emails } from "../schema/emails";
import { mailingLists } from "../schema/lists";
import { threads } from "../schema/threads";
import { notificationCursors, notifications, userThreadFollows } from "../schema/users";
import { type PageWindow, totalOf, totalOver, withoutTotal } from "./paging";

/** Thread follows (watch or mute) and the notifications they bring. */

export async function setFollow(db: Db, userId: number, threadId: number, level: "watch" | "mute") {
  const [row] = await db
    .insert(userThreadFollows)
    .values({ userId, threadId, level })
    .onConflictDoUpdate({ target: [userThreadFollows.userId, userThreadFollows.threadId], set: { level } })
    .returning({
      threadId: userThreadFollows.threadId,
      level: userThreadFollows.level,
      createdAt: userThreadFollows.createdAt,
    });
  return row!;
}

export async function removeFollow(db: Db, userId: number, threadId: number): Promise<boolean> {
  const rows = await db
    .delete(userThreadFollows)
    .where(and(eq(userThreadFollows.userId, userId), eq(userThreadFollows.threadId, threadId)))
    .returning({ threadId: userThreadFollows.threadId });
  return rows.length > 0;
}

export async function listFollows(db: Db, userId: number, window: PageWindow) {
  const rows = await db
    .select({
      threadId: userThreadFollows.threadId,
      level: userThreadFollows.level,
      createdAt: userThreadFollows.createdAt,
      subject: threads.subject,
      list: mailingLists.slug,
      lastDate: threads.lastDate,
      total: totalOver(),
    })
    .from(userThreadFollows)
    .innerJoin(threads, eq(threads.id, userThreadFollows.threadId))
    .innerJoin(mailingLists, eq(mailingLists.id, threads.mailingListId))
    .where(eq(userThreadFollows.userId, userId))
    .orderBy(desc(threads.lastDate), desc(userThreadFollows.threadId))
    .limit(window.limit)
    .offset(window.offset);
  const total = await totalOf(
    rows,
    window,
    async () =>
      (
        await db.select({ n: count() }).from(userThreadFollows).where(eq(userThreadFollows.userId, userId))
      )[0]!.n,
  );
  return { rows: withoutTotal(rows), total };
}

export async function threadExists(db: Db, threadId: number): Promise<boolean> {
  const [row] = await db.select({ id: threads.id }).from(threads).where(eq(threads.id, threadId)).limit(1);
  return !!row;
}

export async function listNotifications(db: Db, userId: number, unreadOnly: boolean, window: PageWindow) {
  const mine = and(eq(notifications.userId, userId), unreadOnly ? isNull(notifications.readAt) : undefined);
  const rows = await db
    .select({
      id: notifications.id,
      type: notifications.type,
      threadId: notifications.threadId,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      messageId: emails.messageId,
      subject: emails.subject,
      date: emails.date,
      list: mailingLists.slug,
      total: totalOver(),
    })
    .from(notifications)
    .leftJoin(emails, eq(emails.id, notifications.emailId))
    .innerJoin(threads, eq(threads.id, notifications.threadId))
    .innerJoin(mailingLists, eq(mailingLists.id, threads.mailingListId))
    .where(mine)
    .orderBy(desc(notifications.id))
    .limit(window.limit)
    .offset(window.offset);
  const total = await totalOf(
    rows,
    window,
    async () => (await db.select({ n: count() }).from(notifications).where(mine))[0]!.n,
  );
  return { rows: withoutTotal(rows), total };
}

/**
 * Mark notifications read — the given ids, or every one up to and including `upTo` — and move the user's
 * per-thread cursors (notification_cursors) to the newest message read there, so a client resumes where it
 * stopped. Returns how many were marked.
 */
export async function markNotificationsRead(
  db: Db,
  userId: number,
  which: { ids: number[] } | { upTo: number },
): Promise<number> {
  const marked = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(
      and(
        eq(notifications.userId, userId),
        isNull(notifications.readAt),
        "ids" in which ? inArray(notifications.id, which.ids) : lte(notifications.id, which.upTo),
      ),
    )
    .returning({ threadId: notifications.threadId, emailId: notifications.emailId });
  const newest = new Map<number, number>();
  for (const m of marked)
    if (m.emailId !== null) newest.set(m.threadId, Math.max(newest.get(m.threadId) ?? 0, m.emailId));
  if (newest.size > 0)
    await db
      .insert(notificationCursors)
      .values([...newest].map(([threadId, emailId]) => ({ userId, threadId, lastSeenEmailId: emailId })))
      .onConflictDoUpdate({
        target: [notificationCursors.userId, notificationCursors.threadId],
        set: {
          lastSeenEmailId: sql`greatest(${notificationCursors.lastSeenEmailId}, excluded.last_seen_email_id)`,
          updatedAt: sql`now()`,
        },
      });
  return marked.length;
}

/** The user's follow of a thread: "watch", "mute", or null when they do not follow it. */
export async function followLevel(
  db: Db,
  userId: number,
  threadId: number,
): Promise<"watch" | "mute" | null> {
  const [row] = await db
    .select({ level: userThreadFollows.level })
    .from(userThreadFollows)
    .where(and(eq(userThreadFollows.userId, userId), eq(userThreadFollows.threadId, threadId)))
    .limit(1);
  return row?.level ?? null;
}

export async function unreadNotificationCount(db: Db, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row!.n;
}
