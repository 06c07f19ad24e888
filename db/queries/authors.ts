import { and, asc, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { authorMailingListActivity, authorNameAliases, authors } from "../schema/authors";
import { mailingLists } from "../schema/lists";
import { escapeLike } from "./like";
import { type PageWindow, totalOf, totalOver, withoutTotal } from "./paging";

/** Read queries for authors: trigram search, one author's aliases and per-list activity. */

export type AuthorSort = "activity" | "name" | "recent";

/** What every author query returns of the author. */
const authorColumns = {
  id: authors.id,
  email: authors.email,
  name: authors.canonicalName,
  firstSeen: authors.firstSeen,
  lastSeen: authors.lastSeen,
};

/** Messages across all lists: the activity measure. */
const emailCount = sql<number>`coalesce((SELECT sum(${authorMailingListActivity.emailCount})::int
  FROM ${authorMailingListActivity} WHERE ${authorMailingListActivity.authorId} = ${authors.id}), 0)`.mapWith(
  Number,
);

/**
 * Authors matching `q` by trigram similarity or substring on address, canonical name and any alias;
 * with `q`, the closest first (then activity), else in the requested order.
 */
export async function searchAuthors(db: Db, q: string | undefined, sort: AuthorSort, window: PageWindow) {
  const where: SQL[] = [];
  let similarity: SQL<number> | null = null;
  if (q) {
    const lower = q.toLowerCase();
    const like = `%${escapeLike(lower)}%`;
    // word_similarity: "wessel" is close to "Jason Wessel"; the aliases catch names no longer canonical.
    where.push(sql`(${authors.email} LIKE ${like} ESCAPE '\\' OR ${authors.canonicalName} ILIKE ${like} ESCAPE '\\'
      OR ${lower} <% ${authors.email} OR ${lower} <% lower(${authors.canonicalName})
      OR ${authors.id} IN (SELECT ${authorNameAliases.authorId} FROM ${authorNameAliases}
        WHERE ${authorNameAliases.name} ILIKE ${like} ESCAPE '\\'))`);
    similarity = sql<number>`greatest(word_similarity(${lower}, ${authors.email}),
      coalesce(word_similarity(${lower}, lower(${authors.canonicalName})), 0))`.mapWith(Number);
  }
  const order = q
    ? [desc(similarity!), desc(emailCount), asc(authors.id)]
    : sort === "name"
      ? [asc(sql`lower(coalesce(${authors.canonicalName}, ${authors.email}))`), asc(authors.id)]
      : sort === "recent"
        ? [sql`${authors.lastSeen} DESC NULLS LAST`, asc(authors.id)]
        : [desc(emailCount), asc(authors.id)];
  const rows = await db
    .select({
      ...authorColumns,
      emailCount,
      similarity: similarity ?? sql<null>`NULL`,
      total: totalOver(),
    })
    .from(authors)
    .where(where.length ? and(...where) : undefined)
    .orderBy(...order)
    .limit(window.limit)
    .offset(window.offset);
  const total = await totalOf(rows, window, async () => {
    const [r] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(authors)
      .where(where.length ? and(...where) : undefined);
    return r!.n;
  });
  return { rows: withoutTotal(rows), total };
}

export async function findAuthor(db: Db, id: number) {
  const [author] = await db.select(authorColumns).from(authors).where(eq(authors.id, id)).limit(1);
  if (!author) return null;
  const aliases = await db
    .select({
      name: authorNameAliases.name,
      usageCount: authorNameAliases.usageCount,
      firstSeen: authorNameAliases.firstSeen,
      lastSeen: authorNameAliases.lastSeen,
    })
    .from(authorNameAliases)
    .where(eq(authorNameAliases.authorId, id))
    .orderBy(desc(authorNameAliases.usageCount), asc(authorNameAliases.name));
  const lists = await db
    .select({
      slug: mailingLists.slug,
      firstEmailDate: authorMailingListActivity.firstEmailDate,
      lastEmailDate: authorMailingListActivity.lastEmailDate,
      emailCount: authorMailingListActivity.emailCount,
      threadCount: authorMailingListActivity.threadCount,
    })
    .from(authorMailingListActivity)
    .innerJoin(mailingLists, eq(mailingLists.id, authorMailingListActivity.mailingListId))
    .where(eq(authorMailingListActivity.authorId, id))
    .orderBy(desc(authorMailingListActivity.emailCount), asc(mailingLists.slug));
  return { ...author, aliases, lists };
}

/** One author's messages per year, across lists. */
export async function authorActivity(db: Db, authorId: number) {
  const result = await db.execute<{ year: number; email_count: number }>(sql`
    SELECT extract(year FROM date AT TIME ZONE 'UTC')::int AS year, count(*)::int AS email_count
    FROM emails WHERE author_id = ${authorId} GROUP BY 1 ORDER BY 1`);
  return result.rows.map((r) => ({ year: r.year, emailCount: r.email_count }));
}

/**
 * Reviews an author gave: their replies carrying an unquoted Reviewed-by, Acked-by or Tested-by line, newest
 * first, with the message replied to (the patch, or the cover letter of a whole series).
 */
export async function reviewsBy(db: Db, authorId: number, limit: number) {
  const result = await db.execute<{
    id: string;
    list: string;
    message_id: string;
    date: string;
    key: string;
    patch_message_id: string | null;
    patch_subject: string | null;
  }>(sql`
    SELECT r.id, l.slug AS list, r.message_id, r.date, x.m[1] AS key, p.message_id AS patch_message_id,
           p.subject AS patch_subject
      FROM emails r JOIN mailing_lists l ON l.id = r.mailing_list_id
      LEFT JOIN emails p ON p.mailing_list_id = r.mailing_list_id AND p.message_id = r.in_reply_to,
           LATERAL regexp_match(r.body, '^(Reviewed-by|Acked-by|Tested-by):', 'in') AS x(m)
     WHERE r.author_id = ${authorId} AND r.patch_type = 'none' AND x.m IS NOT NULL
     ORDER BY r.date DESC, r.id DESC LIMIT ${limit}`);
  return result.rows.map((r) => ({
    id: Number(r.id),
    list: r.list,
    messageId: r.message_id,
    date: new Date(r.date).toISOString(),
    key: r.key,
    patchMessageId: r.patch_message_id,
    patchSubject: r.patch_subject,
  }));
}
