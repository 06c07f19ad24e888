import type { PoolClient } from "@neondatabase/serverless";

/** The mboxrd backfill's statements (functions/ingest/mboxrd-task.ts): originals stored before migration 0013. */

/**
 * Claims up to `limit` originals not checked yet, from email_sources_mboxrd_unchecked_idx. SKIP LOCKED inside
 * the caller's transaction: two cron runs take disjoint batches.
 */
export async function claimUncheckedSources(
  client: Pick<PoolClient, "query">,
  limit: number,
): Promise<{ emailId: number; raw: Uint8Array }[]> {
  const { rows } = await client.query<{ email_id: string; raw: Uint8Array }>(
    `SELECT email_id, raw FROM email_sources WHERE mboxrd_verbatim IS NULL
      ORDER BY email_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({ emailId: Number(r.email_id), raw: r.raw }));
}

export async function setMboxrdVerbatim(
  client: Pick<PoolClient, "query">,
  checked: { emailId: number; verbatim: "lf" | "crlf" | "no" }[],
): Promise<void> {
  if (checked.length === 0) return;
  await client.query(
    `UPDATE email_sources s SET mboxrd_verbatim = v.verbatim
       FROM unnest($1::bigint[], $2::text[]) AS v(id, verbatim) WHERE s.email_id = v.id`,
    [checked.map((r) => r.emailId), checked.map((r) => r.verbatim)],
  );
}
