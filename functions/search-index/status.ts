import type { Pool } from "@neondatabase/serverless";
import { RECIPE_VERSION } from "../mail/search-text";
import type { BackfillReport } from "./backfill";

/** The name of the search backfill's row in backfill_status. */
export const SEARCH_BACKFILL = "search";

/** Records what one backfill run did (every run, so "last run" is the last time it looked for work). */
export async function recordBackfillRun(
  pool: Pick<Pool, "query">,
  name: string,
  report: BackfillReport,
): Promise<void> {
  await pool.query(
    `INSERT INTO backfill_status AS s (name, last_run_at, last_run_rows, last_run_ms, total_rows, last_error, last_error_at)
     VALUES ($1, now(), $2::int, $3::int, $2::int, $4, CASE WHEN $4::text IS NOT NULL THEN now() END)
     ON CONFLICT (name) DO UPDATE SET
       last_run_at = now(), last_run_rows = $2::int, last_run_ms = $3::int, total_rows = s.total_rows + $2::int,
       last_error = coalesce($4, s.last_error),
       last_error_at = CASE WHEN $4::text IS NOT NULL THEN now() ELSE s.last_error_at END`,
    [name, report.rows, report.ms, report.error ?? null],
  );
}

export interface SearchIndexStatus {
  recipeVersion: number;
  emails: number;
  /** Rows the current recipe has not built yet: never built, and built by an older recipe version. */
  remaining: { total: number; missing: number; outdated: number };
  lastRun: { at: string; rows: number; ms: number; rowsPerSecond: number | null } | null;
  /** Rows rebuilt by the backfill since it started keeping count. */
  backfilledRows: number;
  lastError: { message: string; at: string } | null;
}

export async function searchIndexStatus(pool: Pick<Pool, "query">): Promise<SearchIndexStatus> {
  const { rows } = await pool.query<{
    emails: number;
    missing: number;
    outdated: number;
    last_run_at: Date | null;
    last_run_rows: number | null;
    last_run_ms: number | null;
    total_rows: string | null;
    last_error: string | null;
    last_error_at: Date | null;
  }>(
    `SELECT (SELECT count(*)::int FROM emails) AS emails,
            (SELECT count(*)::int FROM emails WHERE search_version IS NULL) AS missing,
            (SELECT count(*)::int FROM emails WHERE search_version < $1) AS outdated,
            s.last_run_at, s.last_run_rows, s.last_run_ms, s.total_rows, s.last_error, s.last_error_at
       FROM (SELECT 1) one LEFT JOIN backfill_status s ON s.name = $2`,
    [RECIPE_VERSION, SEARCH_BACKFILL],
  );
  const r = rows[0]!;
  return {
    recipeVersion: RECIPE_VERSION,
    emails: r.emails,
    remaining: { total: r.missing + r.outdated, missing: r.missing, outdated: r.outdated },
    lastRun: r.last_run_at
      ? {
          at: new Date(r.last_run_at).toISOString(),
          rows: r.last_run_rows ?? 0,
          ms: r.last_run_ms ?? 0,
          rowsPerSecond:
            r.last_run_rows && r.last_run_ms ? Math.round((r.last_run_rows * 1000) / r.last_run_ms) : null,
        }
      : null,
    backfilledRows: Number(r.total_rows ?? 0),
    lastError:
      r.last_error && r.last_error_at
        ? { message: r.last_error, at: new Date(r.last_error_at).toISOString() }
        : null,
  };
}
