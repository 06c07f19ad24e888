import type { Pool } from "@neondatabase/serverless";

export interface EmbeddedVacuum {
  /** Runs a check now (the timer's work), resolving with whether it vacuumed. */
  tick(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface EmbeddedVacuumOptions {
  /** How often to look for writes. */
  intervalMs?: number;
  /** WAL written since the last vacuum that makes the next one worth it (reads alone write a little: hint bits). */
  minWalBytes?: number;
  onVacuum?: (ms: number) => void;
  onError?: (error: Error) => void;
}

/**
 * PGlite runs no autovacuum. A long-running embedded server (npm start, db:serve) takes mail over HTTP, from the
 * cron backfill and from jobs: without VACUUM ANALYZE the GIN indexes keep every new entry in pending lists
 * that each search scans, and the planner's statistics go stale. This stands in for autovacuum: every
 * interval, if the WAL has grown by minWalBytes since the last run (any write does; the statistics views that
 * autovacuum reads are not kept by PGlite), it runs VACUUM ANALYZE through the same pool type as everything else.
 */
export function startEmbeddedVacuum(pool: Pool, options: EmbeddedVacuumOptions = {}): EmbeddedVacuum {
  const intervalMs = options.intervalMs ?? 60_000;
  const minWalBytes = options.minWalBytes ?? 1 << 20;
  let since: string | undefined;
  let running: Promise<boolean> | undefined;

  const lsn = async () =>
    (await pool.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn")).rows[0]!.lsn;

  async function check(): Promise<boolean> {
    if (since === undefined) {
      since = await lsn();
      return false;
    }
    const grown = await pool.query<{ bytes: string }>(
      "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes",
      [since],
    );
    if (Number(grown.rows[0]!.bytes) < minWalBytes) return false;
    const started = performance.now();
    await pool.query("VACUUM ANALYZE");
    // VACUUM writes WAL of its own: count from after it
    since = await lsn();
    options.onVacuum?.(performance.now() - started);
    return true;
  }

  const tick = () => {
    running ??= check().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    tick().catch((error: Error) => options.onError?.(error));
  }, intervalMs);
  timer.unref();
  // the baseline: writes before the server started were the starter's business
  void tick().catch((error: Error) => options.onError?.(error));

  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
