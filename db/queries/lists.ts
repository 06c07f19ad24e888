import { asc, count, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { mailingLists } from "../schema/lists";
import { type PageWindow, totalOf, totalOver, withoutTotal } from "./paging";

/** Read queries for mailing lists and their statistics. */

const listColumns = {
  id: mailingLists.id,
  slug: mailingLists.slug,
  name: mailingLists.name,
  description: mailingLists.description,
  enabled: mailingLists.enabled,
  createdAt: mailingLists.createdAt,
  lastSyncedAt: mailingLists.lastSyncedAt,
  lastThreadedAt: mailingLists.lastThreadedAt,
};

export async function listLists(db: Db, window: PageWindow) {
  const rows = await db
    .select({ ...listColumns, total: totalOver() })
    .from(mailingLists)
    .orderBy(asc(mailingLists.slug))
    .limit(window.limit)
    .offset(window.offset);
  const total = await totalOf(
    rows,
    window,
    async () => (await db.select({ n: count() }).from(mailingLists))[0]!.n,
  );
  return { rows: withoutTotal(rows), total };
}

export async function findListBySlug(db: Db, slug: string) {
  const [row] = await db.select(listColumns).from(mailingLists).where(eq(mailingLists.slug, slug)).limit(1);
  return row ?? null;
}

export interface ListStats {
  emailCount: number;
  threadCount: number;
  authorCount: number;
  patchCount: number;
  seriesCount: number;
  firstEmailDate: string | null;
  lastEmailDate: string | null;
}

/** Counts of one list, or of every list on the page (one statement either way). */
export async function listStats(db: Db, listIds: number[]): Promise<Map<number, ListStats>> {
  if (listIds.length === 0) return new Map();
  const ids = sql.join(
    listIds.map((id) => sql`${id}::bigint`),
    sql`, `,
  );
  const result = await db.execute<{
    id: string;
    email_count: number;
    thread_count: number;
    author_count: number;
    patch_count: number;
    series_count: number;
    first_email_date: string | null;
    last_email_date: string | null;
  }>(sql`
    SELECT l.id,
      (SELECT count(*)::int FROM emails e WHERE e.mailing_list_id = l.id) AS email_count,
      (SELECT count(*)::int FROM threads t WHERE t.mailing_list_id = l.id) AS thread_count,
      (SELECT count(*)::int FROM author_mailing_list_activity a WHERE a.mailing_list_id = l.id) AS author_count,
      (SELECT count(*)::int FROM emails e WHERE e.mailing_list_id = l.id AND e.patch_type <> 'none') AS patch_count,
      (SELECT count(*)::int FROM patch_series s WHERE s.mailing_list_id = l.id) AS series_count,
      (SELECT min(e.date) FROM emails e WHERE e.mailing_list_id = l.id) AS first_email_date,
      (SELECT max(e.date) FROM emails e WHERE e.mailing_list_id = l.id) AS last_email_date
    FROM mailing_lists l WHERE l.id IN (${ids})`);
  const out = new Map<number, ListStats>();
  for (const r of result.rows) {
    out.set(Number(r.id), {
      emailCount: r.email_count,
      threadCount: r.thread_count,
      authorCount: r.author_count,
      patchCount: r.patch_count,
      seriesCount: r.series_count,
      firstEmailDate: r.first_email_date && new Date(r.first_email_date).toISOString(),
      lastEmailDate: r.last_email_date && new Date(r.last_email_date).toISOString(),
    });
  }
  return out;
}

/** The busiest senders of a list and its messages per year. */
export async function listActivity(db: Db, listId: number) {
  const authors = await db.execute<{
    id: string;
    email: string;
    name: string | null;
    email_count: number;
    thread_count: number;
  }>(sql`
      SELECT a.id, a.email, a.canonical_name AS name, m.email_count, m.thread_count
      FROM author_mailing_list_activity m JOIN authors a ON a.id = m.author_id
      WHERE m.mailing_list_id = ${listId}
      ORDER BY m.email_count DESC, a.id LIMIT 10`);
  const years = await db.execute<{ year: number; email_count: number }>(sql`
      SELECT extract(year FROM date AT TIME ZONE 'UTC')::int AS year, count(*)::int AS email_count
      FROM emails WHERE mailing_list_id = ${listId} GROUP BY 1 ORDER BY 1`);
  return {
    topAuthors: authors.rows.map((r) => ({
      id: Number(r.id),
      email: r.email,
      name: r.name,
      emailCount: r.email_count,
      threadCount: r.thread_count,
    })),
    emailsPerYear: years.rows.map((r) => ({ year: r.year, emailCount: r.email_count })),
  };
}
