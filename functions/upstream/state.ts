import type { Pool } from "@neondatabase/serverless";
import { type Client, inTransaction, rows } from "../ingest/sql";

/** A list that follows an upstream, as a sync run needs it. */
export interface UpstreamList {
  id: number;
  slug: string;
  upstreamUrl: string;
  pollSeconds: number;
  /** everything the upstream received before this is stored (null: nothing yet) */
  mark: Date | null;
  windowSeconds: number | null;
  failures: number;
  status: SyncStatus | null;
}

/** What GET /admin/v1/lists/:slug/sync shows: the last run and where the list stands. */
export interface SyncStatus {
  state: "ok" | "behind" | "error";
  lastRunAt: string;
  lastSuccessAt: string | null;
  /** the run reached the upstream's present (an open-ended window) */
  caughtUp: boolean;
  mark: string | null;
  error: { code: string; message: string; httpStatus?: number; at: string } | null;
  lastRun: RunCounts;
  /** set when the list is too far behind for the cron: what to run instead */
  hint?: string;
  /** how far the mark is behind the run's end, in seconds */
  backlogSeconds?: number;
}

export interface RunCounts {
  windows: number;
  requests: number;
  received: number;
  stored: number;
  duplicates: number;
  rejected: number;
  bytes: number;
  ms: number;
}

const COLUMNS = `id, slug, upstream_url, upstream_poll_seconds, upstream_mark, upstream_window_seconds,
  upstream_failures, upstream_status`;

interface Row {
  id: string;
  slug: string;
  upstream_url: string;
  upstream_poll_seconds: number;
  upstream_mark: Date | null;
  upstream_window_seconds: number | null;
  upstream_failures: number;
  upstream_status: SyncStatus | null;
}

const toList = (r: Row): UpstreamList => ({
  id: Number(r.id),
  slug: r.slug,
  upstreamUrl: r.upstream_url,
  pollSeconds: r.upstream_poll_seconds,
  mark: r.upstream_mark,
  windowSeconds: r.upstream_window_seconds,
  failures: r.upstream_failures,
  status: r.upstream_status,
});

/** scheme://host of an upstream URL, in SQL: lists on one host share its politeness (one run at a time). */
const ORIGIN = (alias: string) => `substring(${alias}.upstream_url from '^[a-z]+://[^/]+')`;

/**
 * Claims the next list due for a poll (its next poll time reached, nobody holding it, and no other list of the
 * same upstream host held), for `leaseSeconds`. The claim runs under one advisory transaction lock, so two runs
 * at once never claim two lists of one host. `slug` claims that list whether or not it is due (the CLI).
 */
export async function claimUpstreamList(
  pool: Pool,
  options: { leaseSeconds: number; exclude?: number[]; slug?: string },
): Promise<UpstreamList | null> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('nexus:upstream-claim'))");
    const claimed = await rows<Row>(
      client,
      `UPDATE mailing_lists SET upstream_lease_until = now() + make_interval(secs => $1)
       WHERE id = (
         SELECT m.id FROM mailing_lists m
         WHERE m.upstream_url IS NOT NULL AND m.enabled
           AND ($3::text IS NOT NULL OR m.upstream_next_at IS NULL OR m.upstream_next_at <= now())
           AND ($3::text IS NULL OR m.slug = $3)
           AND m.id <> ALL($2::bigint[])
           AND (m.upstream_lease_until IS NULL OR m.upstream_lease_until < now())
           AND NOT EXISTS (
             SELECT 1 FROM mailing_lists o
             WHERE o.id <> m.id AND o.upstream_lease_until >= now() AND ${ORIGIN("o")} = ${ORIGIN("m")})
         ORDER BY m.upstream_next_at NULLS FIRST, m.sync_priority DESC, m.id
         LIMIT 1)
       RETURNING ${COLUMNS}`,
      [options.leaseSeconds, options.exclude ?? [], options.slug ?? null],
    );
    return claimed[0] ? toList(claimed[0]) : null;
  });
}

/** Inside the transaction that stored a window: the mark moves past it, with the next window's length. */
export async function advanceMark(client: Client, listId: number, mark: Date, windowSeconds: number) {
  await client.query(
    "UPDATE mailing_lists SET upstream_mark = $2, upstream_window_seconds = $3 WHERE id = $1",
    [listId, mark, windowSeconds],
  );
}

export async function saveWindowSeconds(pool: Pool, listId: number, windowSeconds: number) {
  await pool.query("UPDATE mailing_lists SET upstream_window_seconds = $2 WHERE id = $1", [
    listId,
    windowSeconds,
  ]);
}

/** The end of a run: its status, when to poll next, the error count; the lease is released. */
export async function finishUpstreamRun(
  pool: Pool,
  listId: number,
  outcome: { status: SyncStatus; nextAt: Date; failures: number },
) {
  await pool.query(
    `UPDATE mailing_lists SET upstream_status = $2, upstream_next_at = $3, upstream_failures = $4,
       upstream_lease_until = NULL, last_synced_at = CASE WHEN $5 THEN now() ELSE last_synced_at END
     WHERE id = $1`,
    [listId, JSON.stringify(outcome.status), outcome.nextAt, outcome.failures, outcome.status.error === null],
  );
}

/** Gives a claimed list back without a run (nothing was attempted). */
export async function releaseUpstreamList(pool: Pool, listId: number) {
  await pool.query("UPDATE mailing_lists SET upstream_lease_until = NULL WHERE id = $1", [listId]);
}

/** Names (or changes) a list's upstream, creating the list when missing. A new URL starts from no mark. */
export async function setUpstream(
  pool: Pool,
  slug: string,
  upstream: { url: string; pollSeconds?: number; name?: string },
): Promise<UpstreamList> {
  const r = await rows<Row>(
    pool,
    `INSERT INTO mailing_lists (slug, name, upstream_url, upstream_poll_seconds)
     VALUES ($1, COALESCE($4, $1), $2, COALESCE($3, 300))
     ON CONFLICT (slug) DO UPDATE SET
       name = COALESCE($4, mailing_lists.name),
       upstream_poll_seconds = COALESCE($3, mailing_lists.upstream_poll_seconds),
       upstream_mark = CASE WHEN mailing_lists.upstream_url IS DISTINCT FROM EXCLUDED.upstream_url
         THEN NULL ELSE mailing_lists.upstream_mark END,
       upstream_window_seconds = CASE WHEN mailing_lists.upstream_url IS DISTINCT FROM EXCLUDED.upstream_url
         THEN NULL ELSE mailing_lists.upstream_window_seconds END,
       upstream_url = EXCLUDED.upstream_url,
       upstream_next_at = NULL
     RETURNING ${COLUMNS}`,
    [slug, upstream.url, upstream.pollSeconds ?? null, upstream.name ?? null],
  );
  return toList(r[0]!);
}

/** The list stops following its upstream (its mail stays). */
export async function clearUpstream(pool: Pool, listId: number) {
  await pool.query(
    `UPDATE mailing_lists SET upstream_url = NULL, upstream_mark = NULL, upstream_window_seconds = NULL,
       upstream_next_at = NULL, upstream_failures = 0, upstream_status = NULL WHERE id = $1`,
    [listId],
  );
}

/** Polls the list on the next run (even while it backs off). */
export async function pollSoon(pool: Pool, listId: number) {
  await pool.query("UPDATE mailing_lists SET upstream_next_at = now() WHERE id = $1", [listId]);
}

export async function upstreamOf(
  pool: Pool,
  slug: string,
): Promise<(UpstreamList & { nextAt: Date | null; leaseUntil: Date | null }) | null> {
  const r = await rows<Row & { upstream_next_at: Date | null; upstream_lease_until: Date | null }>(
    pool,
    `SELECT ${COLUMNS}, upstream_next_at, upstream_lease_until FROM mailing_lists
     WHERE slug = $1 AND upstream_url IS NOT NULL`,
    [slug],
  );
  const row = r[0];
  return row ? { ...toList(row), nextAt: row.upstream_next_at, leaseUntil: row.upstream_lease_until } : null;
}

/** Marks the list's upstream as synced up to `mark` (after the git path: the newest commit's time). */
export async function setMark(pool: Pool, listId: number, mark: Date) {
  await pool.query("UPDATE mailing_lists SET upstream_mark = GREATEST(upstream_mark, $2) WHERE id = $1", [
    listId,
    mark,
  ]);
}

/** Lists that follow an upstream, by slug. */
export async function upstreamSlugs(pool: Pool): Promise<string[]> {
  const r = await rows<{ slug: string }>(
    pool,
    "SELECT slug FROM mailing_lists WHERE upstream_url IS NOT NULL AND enabled ORDER BY slug",
  );
  return r.map((x) => x.slug);
}
