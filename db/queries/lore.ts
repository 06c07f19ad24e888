import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";

/**
 * Reads for the public-inbox face (functions/publicinbox): originals (gzipped, as stored) and the fields the
 * Atom feeds show. A list is named by slug inside each statement; `null` means every list (`/all/`).
 */

/** A stored original with what the face names it by. */
export interface Original {
  emailId: number;
  list: string;
  messageId: string;
  subject: string;
  /** gzip of the message's bytes (email_sources.raw) */
  raw: Uint8Array;
}

type OriginalRow = {
  email_id: string;
  list: string;
  message_id: string;
  subject: string;
  raw: string;
};

/**
 * The originals travel as base64 text (`encode(raw, 'base64')`, decoded natively by Buffer: nodejs_compat in the
 * Worker): as bytea they come as hex that the driver decodes in JavaScript, and a thread download reads a
 * megabyte of them.
 */
const RAW = sql.raw("encode(s.raw, 'base64') AS raw");

const fromBase64 = (text: string): Uint8Array => Buffer.from(text, "base64");

const original = (r: OriginalRow): Original => ({
  emailId: Number(r.email_id),
  list: r.list,
  messageId: r.message_id,
  subject: r.subject,
  raw: fromBase64(r.raw),
});

const inList = (list: string | null): SQL => (list === null ? sql`TRUE` : sql`l.slug = ${list}`);

/** Whether a list with this slug exists. */
export async function listExists(db: Db, slug: string): Promise<boolean> {
  const { rows } = await db.execute<{ found: boolean }>(
    sql`SELECT EXISTS (SELECT 1 FROM mailing_lists WHERE slug = ${slug}) AS found`,
  );
  return rows[0]?.found === true;
}

/** The lists that hold a message, first list first. */
export async function listsHolding(db: Db, messageId: string): Promise<string[]> {
  const { rows } = await db.execute<{ slug: string }>(sql`
    SELECT l.slug FROM emails e JOIN mailing_lists l ON l.id = e.mailing_list_id
    WHERE e.message_id = ${messageId} ORDER BY l.id`);
  return rows.map((r) => r.slug);
}

/**
 * The original of a message (one per list holding it; identical copies across lists once), first list first:
 * what `/raw` serves.
 */
export async function messageOriginals(db: Db, list: string | null, messageId: string): Promise<Original[]> {
  const { rows } = await db.execute<OriginalRow>(sql`
    SELECT DISTINCT ON (s.raw_sha256) e.id AS email_id, l.slug AS list, e.message_id, e.subject, ${RAW}
    FROM emails e JOIN mailing_lists l ON l.id = e.mailing_list_id JOIN email_sources s ON s.email_id = e.id
    WHERE e.message_id = ${messageId} AND ${inList(list)}
    ORDER BY s.raw_sha256, l.id`);
  return rows.map(original).sort((a, b) => a.emailId - b.emailId);
}

/**
 * The messages of a thread download, as public-inbox forms one: thread_download_ids (migration 0013) walks
 * References and In-Reply-To both ways and adds the same subject key; not the JWZ tree of the JSON API, whose
 * subject rule and cycle breaking differ. SQL of `member(id)` rows.
 */
const threadMembers = (list: string | null, messageId: string): SQL =>
  sql`member AS (SELECT id FROM thread_download_ids(${list}::text, ${messageId}::text) AS id)`;

/**
 * The emails of the thread download of `messageId`, in archive order (as public-inbox numbers them), and the
 * originals of the first `read` of them: one statement for a thread of up to `read` messages.
 */
export async function threadDownload(
  db: Db,
  list: string | null,
  messageId: string,
  read: number,
): Promise<{ emailIds: number[]; first: Original[] }> {
  const { rows } = await db.execute<OriginalRow & { n: string }>(sql`
    WITH ${threadMembers(list, messageId)}, ordered AS (
      SELECT member.id, row_number() OVER (ORDER BY member.id) AS n FROM member
    )
    SELECT o.n, e.id AS email_id, l.slug AS list, e.message_id, e.subject,
      CASE WHEN o.n <= ${read} THEN encode(s.raw, 'base64') END AS raw
    FROM ordered o JOIN emails e ON e.id = o.id JOIN mailing_lists l ON l.id = e.mailing_list_id
      JOIN email_sources s ON s.email_id = e.id
    ORDER BY o.n`);
  return {
    emailIds: rows.map((r) => Number(r.email_id)),
    first: rows.filter((r) => r.raw !== null).map(original),
  };
}

/** Originals of the given emails, in the order given (a search's hits). */
export async function originalsOf(db: Db, emailIds: number[]): Promise<Original[]> {
  if (emailIds.length === 0) return [];
  const { rows } = await db.execute<OriginalRow>(sql`
    SELECT e.id AS email_id, l.slug AS list, e.message_id, e.subject, ${RAW}
    FROM emails e JOIN mailing_lists l ON l.id = e.mailing_list_id JOIN email_sources s ON s.email_id = e.id
    WHERE e.id = ANY(${sql.param(emailIds)}::bigint[])`);
  const byId = new Map(rows.map((r) => [Number(r.email_id), original(r)]));
  return emailIds.flatMap((id) => byId.get(id) ?? []);
}

/**
 * Every message of the threads of the given emails, thread by thread in the order of the first hit of each,
 * each thread in archive order: a search download with `t=1`.
 */
export async function threadsOfEmails(db: Db, emailIds: number[]): Promise<number[]> {
  if (emailIds.length === 0) return [];
  const { rows } = await db.execute<{ email_id: string }>(sql`
    WITH hits AS (
      SELECT h.id, h.ord FROM unnest(${sql.param(emailIds)}::bigint[]) WITH ORDINALITY AS h(id, ord)
    ), threads AS (
      SELECT tm.thread_id, min(hits.ord) AS ord FROM hits JOIN thread_memberships tm ON tm.email_id = hits.id
      GROUP BY tm.thread_id
    )
    SELECT tm.email_id FROM threads JOIN thread_memberships tm ON tm.thread_id = threads.thread_id
    WHERE tm.email_id IS NOT NULL
    ORDER BY threads.ord, tm.email_id`);
  return rows.map((r) => Number(r.email_id));
}

/** What an Atom entry shows of a message. */
export interface FeedMessage {
  emailId: number;
  list: string;
  messageId: string;
  inReplyTo: string | null;
  subject: string;
  date: string;
  authorName: string | null;
  authorEmail: string;
  body: string;
}

type FeedRow = {
  email_id: string;
  list: string;
  message_id: string;
  in_reply_to: string | null;
  subject: string;
  date: string;
  author_name: string | null;
  author_email: string;
  body: string;
};

const feedColumns = sql`e.id AS email_id, l.slug AS list, e.message_id, e.in_reply_to, e.subject, e.date,
  a.canonical_name AS author_name, a.email AS author_email, e.body`;

const feedMessage = (r: FeedRow): FeedMessage => ({
  emailId: Number(r.email_id),
  list: r.list,
  messageId: r.message_id,
  inReplyTo: r.in_reply_to,
  subject: r.subject,
  date: new Date(r.date).toISOString(),
  authorName: r.author_name,
  authorEmail: r.author_email,
  body: r.body,
});

/** The newest messages of a list (or of every list), newest first: `new.atom`. */
export async function newestMessages(db: Db, list: string | null, limit: number): Promise<FeedMessage[]> {
  const { rows } = await db.execute<FeedRow>(sql`
    SELECT ${feedColumns}
    FROM emails e JOIN mailing_lists l ON l.id = e.mailing_list_id JOIN authors a ON a.id = e.author_id
    WHERE ${inList(list)}
    ORDER BY e.date DESC, e.id DESC LIMIT ${limit}`);
  return rows.map(feedMessage);
}

/** The messages of the thread download of `messageId` (threadMembers), oldest first: `t.atom`. */
export async function threadFeedMessages(
  db: Db,
  list: string | null,
  messageId: string,
): Promise<FeedMessage[]> {
  const { rows } = await db.execute<FeedRow>(sql`
    WITH ${threadMembers(list, messageId)}
    SELECT ${feedColumns}
    FROM member JOIN emails e ON e.id = member.id JOIN mailing_lists l ON l.id = e.mailing_list_id
      JOIN authors a ON a.id = e.author_id
    ORDER BY e.date, e.id`);
  return rows.map(feedMessage);
}

/** Feed fields of the given emails, in the order given. */
export async function feedMessagesOf(db: Db, emailIds: number[]): Promise<FeedMessage[]> {
  if (emailIds.length === 0) return [];
  const { rows } = await db.execute<FeedRow>(sql`
    SELECT ${feedColumns}
    FROM emails e JOIN mailing_lists l ON l.id = e.mailing_list_id JOIN authors a ON a.id = e.author_id
    WHERE e.id = ANY(${sql.param(emailIds)}::bigint[])`);
  const byId = new Map(rows.map((r) => [Number(r.email_id), feedMessage(r)]));
  return emailIds.flatMap((id) => byId.get(id) ?? []);
}
