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
      versionLabel: patchSeries.versionLabel,
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

/** Review trailers people sent in replies: the `Reviewed-by:`-style lines (unquoted) of the replies below a message. */
export const REVIEW_TRAILER_KEYS = ["Reviewed-by", "Acked-by", "Tested-by", "Nacked-by", "Reported-by"];

/**
 * The review trailers given below each of `messageIds`, however deep in the replies (a Tested-by in answer
 * to a review counts for the patch, as b4 counts it). The walk down stops at the next patch or cover letter
 * of a series (a deep-threaded series' patch 2 replies to patch 1; a v2 may reply to v1): what is said
 * below that message is about it. A "[PATCH]" message with no diff that is no cover letter is a reply
 * that lost its "Re:" and is walked through, as b4 does. Each trailer comes with its sender's address and
 * the names that address goes by.
 */
export async function replyTrailers(db: Db, listId: number, messageIds: string[]) {
  if (messageIds.length === 0) return [];
  const pattern = `^(${REVIEW_TRAILER_KEYS.join("|")}):[ \\t]*(\\S.*)$`;
  const result = await db.execute<{
    root: string;
    email_id: string;
    key: string;
    value: string;
    sender_email: string;
    sender_names: string[];
  }>(sql`
    WITH RECURSIVE below(id, message_id, root) AS (
      SELECT r.id, r.message_id, r.in_reply_to FROM emails r
       WHERE r.mailing_list_id = ${listId} AND r.in_reply_to = ANY(${sql.param(messageIds)}::text[])
         AND (r.series_id IS NULL OR (r.patch_type = 'none' AND r.series_number IS DISTINCT FROM 0))
      UNION
      SELECT r.id, r.message_id, b.root FROM below b
        JOIN emails r ON r.mailing_list_id = ${listId} AND r.in_reply_to = b.message_id
       WHERE r.series_id IS NULL OR (r.patch_type = 'none' AND r.series_number IS DISTINCT FROM 0)
    )
    SELECT b.root, r.id AS email_id, m[1] AS key, m[2] AS value, a.email AS sender_email,
           array_remove(ARRAY(SELECT n.name FROM author_name_aliases n WHERE n.author_id = a.id)
                        || a.canonical_name, NULL) AS sender_names
      FROM below b JOIN emails r ON r.id = b.id JOIN authors a ON a.id = r.author_id,
           LATERAL regexp_matches(r.body, ${pattern}, 'gin') AS m
     ORDER BY r.date, r.id`);
  return result.rows.map((r) => ({
    inReplyTo: r.root,
    emailId: Number(r.email_id),
    key: r.key,
    value: r.value.trim(),
    sender: { email: r.sender_email, names: r.sender_names ?? [] },
  }));
}
