import type { Env } from "./env";
import { patchIdBackfillTask } from "./ingest/patch-id-task";
import { jobsTask } from "./jobs/task";
import { checkReadiness } from "./lib/readiness";
import { openDatabase } from "./middleware/database";
import { searchBackfillTask } from "./search-index/task";
import { upstreamSyncTask } from "./upstream/task";

/** What one scheduled run did; each task reports its own part. */
export interface ScheduledReport {
  cron: string;
  skipped?: string;
  tasks: Record<string, unknown>;
}

/** A unit of background work run by each cron tick, given the run's database and its remaining time. */
export type ScheduledTask = (ctx: {
  db: ReturnType<typeof openDatabase>;
  env: Env;
  deadline: number;
}) => Promise<unknown>;

/** Background work, in order; each task gets the same pool and stops by the shared deadline. */
export const scheduledTasks: Record<string, ScheduledTask> = {
  "search-backfill": searchBackfillTask,
  "patch-id-backfill": patchIdBackfillTask,
  "upstream-sync": upstreamSyncTask,
  jobs: jobsTask,
};

export const DEFAULT_CRON_BUDGET_MS = 20_000;

export async function runScheduled(
  controller: Pick<ScheduledController, "cron">,
  env: Env,
): Promise<ScheduledReport> {
  const budget = Number(env.CRON_BUDGET_MS) > 0 ? Number(env.CRON_BUDGET_MS) : DEFAULT_CRON_BUDGET_MS;
  const deadline = Date.now() + budget;
  const database = openDatabase(env);
  const report: ScheduledReport = { cron: controller.cron, tasks: {} };
  try {
    const readiness = await checkReadiness(database.pool);
    if (!readiness.ready) {
      report.skipped = readiness.message ?? "not ready";
      return report;
    }
    for (const [name, task] of Object.entries(scheduledTasks)) {
      if (Date.now() >= deadline) break;
      // One task's failure is reported and logged; the tasks after it still run.
      try {
        report.tasks[name] = await task({ db: database, env, deadline });
      } catch (error) {
        console.error(`scheduled task ${name} failed`, error);
        report.tasks[name] = { error: error instanceof Error ? error.message : String(error) };
      }
    }
    return report;
  } finally {
    await database.end();
  }
}
