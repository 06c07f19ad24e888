import type { PoolClient } from "@neondatabase/serverless";

/** The patch-id backfill's statements (functions/ingest/patch-id-task.ts): patches imported before migration 0008. */

export interface PatchWithoutId {
  id: number;
  /** the gzipped original */
  raw: Uint8Array;
}

/**
 * Claims up to `limit` patches that have no patch id yet, oldest first, from emails_patch_id_missing_idx.
 * SKIP LOCKED inside the caller's transaction: two cron runs take disjoint batches.
 */
export async function claimPatchesWithoutId(
  client: Pick<PoolClient, "query">,
  limit: number,
): Promise<PatchWithoutId[]> {
  const { rows } = await client.query<{ id: string; raw: Uint8Array }>(
    `SELECT e.id, s.raw FROM emails e JOIN email_sources s ON s.email_id = e.id
      WHERE e.patch_id IS NULL AND e.patch_type <> 'none'
      ORDER BY e.id LIMIT $1 FOR UPDATE OF e SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({ id: Number(r.id), raw: r.raw }));
}

/** Stores the ids; '' marks a patch whose text held no diff git would hash (so it is not claimed again). */
export async function setPatchIds(
  client: Pick<PoolClient, "query">,
  ids: { id: number; patchId: string | null }[],
): Promise<void> {
  if (ids.length === 0) return;
  await client.query(
    `UPDATE emails e SET patch_id = v.patch_id
       FROM unnest($1::bigint[], $2::text[]) AS v(id, patch_id) WHERE e.id = v.id`,
    [ids.map((r) => r.id), ids.map((r) => r.patchId ?? "")],
  );
}
