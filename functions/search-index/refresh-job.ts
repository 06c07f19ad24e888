import type { JobKind } from "../jobs/types";
import { rowsOfScope, runBatches } from "./backfill";

export const SEARCH_REFRESH_JOB = "search.refresh";

/**
 * Rebuilds lex_ts/body_ts of every email of the job's list (or of all lists) with the current recipe, by the
 * same batches as the backfill, keyset on id. Its cursor is saved when the run's time is up, so the next run
 * continues after the last committed batch.
 */
export const searchRefreshJob: JobKind = {
  description: "rebuild lex_ts/body_ts of one list (or all lists) with the current text recipe",
  scope: "either",
  async run({ pool, job, deadline, heartbeat }) {
    const progress = job.result ?? {};
    const source = rowsOfScope(job.listId, Number(progress.cursor ?? 0));
    const report = await runBatches(pool, source, { deadline, afterBatch: heartbeat });
    if (report.error && report.rows === 0) throw new Error(report.error);
    const rows = Number(progress.rows ?? 0) + report.rows;
    if (report.done) return { status: "done", result: { rows } };
    return {
      status: "paused",
      progress: { cursor: source.cursor(), rows, ...(report.error ? { lastError: report.error } : {}) },
    };
  },
};
