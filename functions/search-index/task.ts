import type { ScheduledTask } from "../cron";
import { backfillSearchVectors } from "./backfill";
import { recordBackfillRun, SEARCH_BACKFILL } from "./status";

/** While jobs are waiting, the backfill takes at most this share of the run's remaining time. */
const SHARE_WHEN_JOBS_WAIT = 0.5;

/** Cron task: bring stale lex_ts/body_ts rows to the current recipe, then record the run for the status API. */
export const searchBackfillTask: ScheduledTask = async ({ db, deadline }) => {
  const { rows } = await db.pool.query<{ waiting: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM sync_jobs WHERE state = 'queued' AND run_after <= now()) AS waiting",
  );
  const share = rows[0]?.waiting ? SHARE_WHEN_JOBS_WAIT : 1;
  const report = await backfillSearchVectors(db.pool, {
    deadline: Date.now() + (deadline - Date.now()) * share,
  });
  await recordBackfillRun(db.pool, SEARCH_BACKFILL, report);
  return report;
};
