import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { authors } from "../schema/authors";
import { emails, patchSeries } from "../schema/emails";

/** Read queries for patch series: every version of one series, its patches, and the review trailers. */

export async function findSeries(db: Db, listId: number, seriesId: number) {
  const [row] = await db
    .select({ id: patchSeries.id, lineageKey: patchSeries.lineageKey })
    .from(patchSeries)
    .where(and(eq(patchSeries.mailingListId, listId), eq(patchSeries.id, seriesId)))
    .limit(1);
  return row ?? null;
}

/** Every version (v1, v2, …) of the series' lineage in the list, oldest version first. */
export async function seriesVersions(db: Db, listId: number, lineageKey: string) {
  return db
    .select({
      id: patchSeries.id,
      version: patchSeries.version,
      total: patchSeries.total,
      title: patchSeries.title,
      coverEmailId: patchSeries.coverEmailId,
      firstDate: patchSeries.firstDate,
      lastDate: patchSeries.lastDate,
      patchCount: patchSeries.patchCount,
      authorId: authors.id,
      authorEmail: authors.email,
      authorName: authors.canonicalName,
    })
    .from(patchSeries)
    .innerJoin(authors, eq(authors.id, patchSeries.authorId))
    .where(and(eq(patchSeries.mailingListId, listId), eq(patchSeries.lineageKey, lineageKey)))
    .orderBy(asc(patchSeries.version), asc(patchSeries.firstDate), asc(patchSeries.id));
}

/** The messages of the given series versions (cover letters and patches), in series order. */
export async function seriesMessages(db: Db, seriesIds: number[]) {
  if (seriesIds.length === 0) return [];
  return db
    .select({
      id: emails.id,
      seriesId: emails.seriesId,
      messageId: emails.messageId,
      subject: emails.subject,
      date: emails.date,
      number: emails.seriesNumber,
      total: emails.seriesTotal,
      patchType: emails.patchType,
      patchMetadata: emails.patchMetadata,
      authorId: authors.id,
      authorEmail: authors.email,
      authorName: authors.canonicalName,
    })
    .from(emails)
    .innerJoin(authors, eq(authors.id, emails.authorId))
    .where(inArray(emails.seriesId, seriesIds))
    .orderBy(asc(emails.seriesId), sql`${emails.seriesNumber} NULLS FIRST`, asc(emails.date), asc(emails.id));
}

/** Review trailers people sent in replies: unquoted `Reviewed-by:`-style lines of direct replies. */
export const REVIEW_TRAILER_KEYS = ["Reviewed-by", "Acked-by", "Tested-by", "Nacked-by", "Reported-by"];

export async function replyTrailers(db: Db, listId: number, messageIds: string[]) {
  if (messageIds.length === 0) return [];
  const pattern = `^(${REVIEW_TRAILER_KEYS.join("|")}):[ \\t]*(\\S.*)$`;
  const result = await db.execute<{ in_reply_to: string; email_id: string; key: string; value: string }>(sql`
    SELECT r.in_reply_to, r.id AS email_id, m[1] AS key, m[2] AS value
    FROM emails r, LATERAL regexp_matches(r.body, ${pattern}, 'gin') AS m
    WHERE r.mailing_list_id = ${listId} AND r.in_reply_to = ANY(${sql.param(messageIds)}::text[])
    ORDER BY r.date, r.id`);
  return result.rows.map((r) => ({
    inReplyTo: r.in_reply_to,
    emailId: Number(r.email_id),
    key: r.key,
    value: r.value.trim(),
  }));
}
