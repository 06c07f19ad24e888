import type { Pool, PoolClient } from "@neondatabase/serverless";
import { withTransaction } from "../../db/transaction";
import { RECIPE_VERSION, rebuildSearchSql } from "../mail/search-text";

/**
 * Batched (re)building of emails.lex_ts / body_ts with the mail engineer's text recipe (functions/mail/
 * search-text.ts). Each batch is one UPDATE in its own transaction under `SET LOCAL statement_timeout`; its
 * rows are claimed with `FOR UPDATE` in the same statement, so a batch's locks live exactly as long as the
 * batch, and an interrupted batch rolls back whole. Progress lives in the rows themselves (search_version, or
 * the caller's id cursor), so any run resumes where the last committed batch left off.
 */

/** Where the next batch comes from. */
export interface BatchSource {
  /** The SELECT of the next batch's ids ($1 = batch size), or null when there is nothing left. */
  next(): { select: string; params: unknown[] } | null;
  /** Told the ids each committed batch rebuilt (ascending). */
  advance(ids: number[]): void;
}

/**
 * Rows the current recipe has not built: first those never built (search_version NULL), then those built by
 * an older recipe version. Both come from the front of emails_search_version_idx (search_version, id), so a
 * batch costs the same at the end of a backfill as at its start. SKIP LOCKED: concurrent runners take
 * disjoint batches, and a row being rebuilt by one is not waited for by another.
 */
export function staleRows(): BatchSource {
  const phases = [
    "SELECT id FROM emails WHERE search_version IS NULL ORDER BY search_version, id LIMIT $1 FOR UPDATE SKIP LOCKED",
    `SELECT id FROM emails WHERE search_version < ${RECIPE_VERSION} ORDER BY search_version, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
  ];
  let phase = 0;
  return {
    next: () => (phase < phases.length ? { select: phases[phase]!, params: [] } : null),
    advance: (ids) => {
      if (ids.length === 0) phase++;
    },
  };
}

/**
 * Every row of one list (or of all lists), current or not, by keyset on id after `afterId`: a refresh. It
 * waits for rows locked by others (bounded by the statement timeout) rather than skip them, so none is missed.
 */
export function rowsOfScope(listId: number | null, afterId = 0): BatchSource & { cursor(): number } {
  let cursor = afterId;
  let done = false;
  return {
    next: () =>
      done
        ? null
        : {
            select:
              "SELECT id FROM emails WHERE id > $2 AND ($3::bigint IS NULL OR mailing_list_id = $3) " +
              "ORDER BY id LIMIT $1 FOR UPDATE",
            params: [cursor, listId],
          },
    advance: (ids) => {
      if (ids.length === 0) done = true;
      else cursor = ids[ids.length - 1]!;
    },
    cursor: () => cursor,
  };
}

/**
 * Claims and rebuilds one batch inside the caller's open transaction; answers the ids rebuilt. Exposed so
 * tests can hold a batch open (two sessions) or drop the connection mid-batch.
 */
export async function rebuildBatch(
  client: Pick<PoolClient, "query">,
  batch: { select: string; params: unknown[] },
  size: number,
): Promise<number[]> {
  const { rows } = await client.query<{ ids: (string | number)[] }>(
    `WITH batch AS (${batch.select}), rebuilt AS (${rebuildSearchSql("e.id IN (SELECT id FROM batch)")} RETURNING e.id)
     SELECT coalesce(array_agg(id ORDER BY id), '{}') AS ids FROM rebuilt`,
    [size, ...batch.params],
  );
  return rows[0]!.ids.map(Number);
}

/**
 * gin_pending_list_limit of a batch (kB). At the default 4 MB, every ~2,000 rows one batch paid a merge of the
 * three GIN indexes' pending lists and took 2-4x the others (up to 1 s); 512 kB spreads the merges (measured by
 * bench:backfill: longest batch 427 ms, ratio 0.88), 128 kB costs a third of the throughput.
 */
const GIN_PENDING_LIST_KB = 512;

/** One batch in its own transaction with a statement timeout. */
export async function runBatch(
  pool: Pool,
  batch: { select: string; params: unknown[] },
  size: number,
  timeoutMs: number,
): Promise<number[]> {
  return withTransaction(
    pool,
    (client) => rebuildBatch(client, batch, size),
    `BEGIN; SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}; SET LOCAL gin_pending_list_limit = ${GIN_PENDING_LIST_KB}`,
  );
}

export interface BackfillOptions {
  /** Epoch ms: no batch starts that would be expected to end after this. */
  deadline: number;
  /** statement_timeout of one batch (also never beyond the deadline). Default 10 s. */
  batchTimeoutMs?: number;
  /** The batch size adapts so one batch takes about this long. Default 150 ms: the cost per row varies
   * ~2x with the messages and a batch may pay a GIN pending-list merge, so this keeps batches under 500 ms. */
  targetBatchMs?: number;
  initialBatchSize?: number;
  minBatchSize?: number;
  maxBatchSize?: number;
  /** Called after each committed batch; answer false to stop (e.g. a job was cancelled). */
  afterBatch?: (batch: {
    ids: number[];
    ms: number;
    size: number;
  }) => Promise<boolean | undefined> | boolean | undefined;
}

export interface BackfillReport {
  rows: number;
  batches: number;
  ms: number;
  longestBatchMs: number;
  /** True when the source ran dry: nothing is left to do. */
  done: boolean;
  /** The last error of this run, if a batch failed (its rows were rolled back and stay to do). */
  error?: string;
}

export const DEFAULT_BATCH_TIMEOUT_MS = 10_000;
export const DEFAULT_TARGET_BATCH_MS = 150;

const STATEMENT_TIMEOUT = "57014";

/** Runs batches from `source` until it runs dry, the deadline comes, or `afterBatch` says stop. */
export async function runBatches(
  pool: Pool,
  source: BatchSource,
  options: BackfillOptions,
): Promise<BackfillReport> {
  const target = options.targetBatchMs ?? DEFAULT_TARGET_BATCH_MS;
  const min = options.minBatchSize ?? 50;
  const max = options.maxBatchSize ?? 5000;
  const timeout = options.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS;
  let size = options.initialBatchSize ?? 100; // a small first batch measures the cost per row
  const started = Date.now();
  const report: BackfillReport = { rows: 0, batches: 0, ms: 0, longestBatchMs: 0, done: false };
  let expectedMs = target;
  let msPerRow: number | undefined;
  for (;;) {
    const batch = source.next();
    if (!batch) {
      report.done = true;
      break;
    }
    const left = options.deadline - Date.now();
    if (left < expectedMs) break;
    const t0 = Date.now();
    let ids: number[];
    try {
      ids = await runBatch(pool, batch, size, Math.min(timeout, left));
    } catch (error) {
      const timedOut = (error as { code?: string }).code === STATEMENT_TIMEOUT;
      // Cut off by the run's deadline rather than the batch timeout: not a failure, the next run redoes it.
      if (timedOut && left < timeout) break;
      report.error = error instanceof Error ? error.message : String(error);
      // Too big for the timeout: retry smaller. Anything else: stop, the next run tries again.
      if (timedOut && size > min) {
        size = Math.max(min, Math.floor(size / 2));
        continue;
      }
      break;
    }
    const ms = Date.now() - t0;
    source.advance(ids);
    if (ids.length === 0) continue;
    report.rows += ids.length;
    report.batches++;
    report.longestBatchMs = Math.max(report.longestBatchMs, ms);
    expectedMs = ms;
    // Full batches tell the cost per row (it varies with the messages: smoothed over batches); aim the next
    // batch at the target duration, changing its size at most 2x at a time.
    if (ids.length === size) {
      const perRow = Math.max(ms, 1) / ids.length;
      msPerRow = msPerRow === undefined ? perRow : (msPerRow + perRow) / 2;
      const next = Math.min(size * 2, Math.max(size / 2, target / msPerRow));
      size = Math.round(Math.min(max, Math.max(min, next)));
    }
    if ((await options.afterBatch?.({ ids, ms, size: ids.length })) === false) break;
  }
  report.ms = Date.now() - started;
  return report;
}

/** Brings every stale row to the current recipe, within the deadline. */
export function backfillSearchVectors(pool: Pool, options: BackfillOptions): Promise<BackfillReport> {
  return runBatches(pool, staleRows(), options);
}
