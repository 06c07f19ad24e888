import type { ScheduledTask } from "../cron";
import { jobKinds } from "./kinds";
import { runDueJobs } from "./runner";

/** Cron task: run due jobs until the run's deadline. */
export const jobsTask: ScheduledTask = ({ db, env, deadline }) =>
  runDueJobs({ pool: db.pool, env, deadline, kinds: jobKinds });
