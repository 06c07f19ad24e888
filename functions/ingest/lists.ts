import type { Pool } from "@neondatabase/serverless";
import { rows } from "./sql";

export interface ListRow {
  id: number;
  slug: string;
  name: string;
}

export async function findList(pool: Pool, slug: string): Promise<ListRow | null> {
  const r = await rows<{ id: string; slug: string; name: string }>(
    pool,
    "SELECT id, slug, name FROM mailing_lists WHERE slug = $1",
    [slug],
  );
  return r[0] ? { ...r[0], id: Number(r[0].id) } : null;
}

/** The list with this slug, created when missing (a given name updates it). */
export async function ensureList(pool: Pool, slug: string, name?: string): Promise<ListRow> {
  const r = await rows<{ id: string; slug: string; name: string }>(
    pool,
    `INSERT INTO mailing_lists (slug, name) VALUES ($1, $2)
     ON CONFLICT (slug) DO UPDATE SET name = COALESCE($3, mailing_lists.name)
     RETURNING id, slug, name`,
    [slug, name ?? slug, name ?? null],
  );
  return { ...r[0]!, id: Number(r[0]!.id) };
}

/** The repository row of one epoch (created when missing) and its last indexed commit. */
export async function ensureRepository(
  pool: Pool,
  listId: number,
  repoOrder: number,
  repoUrl: string,
): Promise<{ id: number; lastIndexedCommit: string | null }> {
  const r = await rows<{ id: string; last_indexed_commit: string | null }>(
    pool,
    `INSERT INTO mailing_list_repositories (mailing_list_id, repo_url, repo_order) VALUES ($1, $2, $3)
     ON CONFLICT (mailing_list_id, repo_order) DO UPDATE SET repo_url = EXCLUDED.repo_url
     RETURNING id, last_indexed_commit`,
    [listId, repoUrl, repoOrder],
  );
  return { id: Number(r[0]!.id), lastIndexedCommit: r[0]!.last_indexed_commit };
}

export async function markSynced(pool: Pool, listId: number): Promise<void> {
  await pool.query(
    "UPDATE mailing_lists SET last_synced_at = now(), last_threaded_at = now() WHERE id = $1",
    [listId],
  );
}
