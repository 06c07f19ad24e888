import { and, asc, count, desc, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { authors } from "../schema/authors";
import { emails, patchSeries } from "../schema/emails";
import { threadMemberships, threads } from "../schema/threads";
import { type PageWindow, totalOf, withoutTotal } from "./paging";

/** Read queries for threads: a list's threads and one thread as a tree. */

export type ThreadSort = "lastActivity" | "startDate" | "messageCount";

export interface ThreadFilters {
  /** Threads with activity on or after this instant (last message date). */
  since?: Date;
  /** Threads started before this instant. */
  until?: Date;
  hasPatches?: boolean;
  /** Only threads this author wrote in. */
  authorId?: number;
  /** Only threads this author started (their message is the root). */
  startedBy?: number;
}

/** An author named by id or by address, as an SQL scalar subquery (no row → NULL → matches nothing). */
export function authorIdOf(ref: string): SQL<number | null> {
  if (/^[1-9]\d{0,14}$/.test(ref)) return sql`${Number(ref)}::bigint`;
  return sql`(SELECT ${authors.id} FROM ${authors} WHERE ${authors.email} = ${ref.trim().toLowerCase()})`;
}

export const threadColumns = {
  id: threads.id,
  subject: threads.subject,
  rootMessageId: threads.rootMessageId,
  rootEmailId: threads.rootEmailId,
  startDate: threads.startDate,
  lastDate: threads.lastDate,
  messageCount: threads.messageCount,
  hasPatches: threads.hasPatches,
  starterId: authors.id,
  starterEmail: authors.email,
  starterName: authors.canonicalName,
  /** The root message's patch series (NULL when it is none): the series marker of a thread list. */
  rootSeriesId: emails.seriesId,
};

function participated(authorId: SQL | number): SQL {
  return sql`EXISTS (SELECT 1 FROM ${threadMemberships} tm JOIN ${emails} pe ON pe.id = tm.email_id
    WHERE tm.thread_id = ${threads.id} AND pe.author_id = ${authorId})`;
}

export async function listThreads(
  db: Db,
  listId: number,
  sort: { by: ThreadSort; order: "asc" | "desc" },
  filters: ThreadFilters & { authorRef?: string },
  window: PageWindow,
) {
  const where: SQL[] = [eq(threads.mailingListId, listId)];
  if (filters.since) where.push(gte(threads.lastDate, filters.since));
  if (filters.until) where.push(lt(threads.startDate, filters.until));
  if (filters.hasPatches !== undefined) where.push(eq(threads.hasPatches, filters.hasPatches));
  if (filters.authorRef !== undefined) where.push(participated(authorIdOf(filters.authorRef)));
  if (filters.authorId !== undefined) where.push(participated(filters.authorId));
  if (filters.startedBy !== undefined) where.push(eq(emails.authorId, filters.startedBy));
  const column = {
    lastActivity: threads.lastDate,
    startDate: threads.startDate,
    messageCount: threads.messageCount,
  }[sort.by];
  const dir = sort.order === "asc" ? asc : desc;
  // The total as a sub-select, computed once over the threads alone (the join to the root email drops out
  // unless a filter needs it): `count(*) OVER ()` joined every thread of the list to its root email and author
  // before the page was cut (at a million messages, most of the statement).
  const counted = db
    .select({ n: count() })
    .from(threads)
    .leftJoin(emails, eq(emails.id, threads.rootEmailId))
    .where(and(...where));
  // The page's threads are cut from the threads alone (their list-and-date index), and only those are joined to
  // their root email and author: joined first, every skipped thread's root email was read too (page 200 at a
  // million messages: 10,000 of them, 250 ms).
  const page = db
    .select({ id: threads.id })
    .from(threads)
    .leftJoin(emails, eq(emails.id, threads.rootEmailId))
    .where(and(...where))
    .orderBy(dir(column), dir(threads.id))
    .limit(window.limit)
    .offset(window.offset);
  const rows = await db
    .select({ ...threadColumns, total: sql<number>`(${counted})`.mapWith(Number) })
    .from(threads)
    .leftJoin(emails, eq(emails.id, threads.rootEmailId))
    .leftJoin(authors, eq(authors.id, emails.authorId))
    .where(inArray(threads.id, page))
    .orderBy(dir(column), dir(threads.id));
  const total = await totalOf(rows, window, async () => {
    const [r] = await counted;
    return r!.n;
  });
  return { rows: withoutTotal(rows), total };
}

export async function findThread(db: Db, listId: number, threadId: number) {
  const [row] = await db
    .select(threadColumns)
    .from(threads)
    .leftJoin(emails, eq(emails.id, threads.rootEmailId))
    .leftJoin(authors, eq(authors.id, emails.authorId))
    .where(and(eq(threads.mailingListId, listId), eq(threads.id, threadId)))
    .limit(1);
  return row ?? null;
}

/** Every message of a thread in walk order, phantoms included (their email columns are NULL). */
export async function threadTree(db: Db, threadId: number) {
  return db
    .select({
      messageId: threadMemberships.messageId,
      emailId: threadMemberships.emailId,
      parentMessageId: threadMemberships.parentMessageId,
      depth: threadMemberships.depth,
      position: threadMemberships.position,
      subject: emails.subject,
      date: emails.date,
      authorId: authors.id,
      authorEmail: authors.email,
      authorName: authors.canonicalName,
      patchType: emails.patchType,
      isPatchOnly: emails.isPatchOnly,
      patchFiles: sql<
        number | null
      >`jsonb_array_length(CASE WHEN jsonb_typeof(${emails.patchMetadata}->'files') = 'array'
        THEN ${emails.patchMetadata}->'files' END)`,
      patchInsertions: sql<number | null>`(${emails.patchMetadata}->>'insertions')::int`,
      patchDeletions: sql<number | null>`(${emails.patchMetadata}->>'deletions')::int`,
      seriesId: emails.seriesId,
      seriesNumber: emails.seriesNumber,
      seriesTotal: emails.seriesTotal,
      seriesVersion: patchSeries.version,
    })
    .from(threadMemberships)
    .leftJoin(emails, eq(emails.id, threadMemberships.emailId))
    .leftJoin(authors, eq(authors.id, emails.authorId))
    .leftJoin(patchSeries, eq(patchSeries.id, emails.seriesId))
    .where(eq(threadMemberships.threadId, threadId))
    .orderBy(asc(threadMemberships.position), asc(threadMemberships.messageId));
}

/** The thread of a list that holds this Message-ID, archived or only referenced (a phantom), or null. */
export async function threadOfMessageId(db: Db, listId: number, messageId: string): Promise<number | null> {
  const [row] = await db
    .select({ id: threadMemberships.threadId })
    .from(threadMemberships)
    .innerJoin(threads, eq(threads.id, threadMemberships.threadId))
    .where(and(eq(threads.mailingListId, listId), eq(threadMemberships.messageId, messageId)))
    .limit(1);
  return row?.id ?? null;
}
