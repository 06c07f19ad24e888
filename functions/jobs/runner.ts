import type { Pool } from "@neondatabase/serverless";
import type { Env } from "../env";
import {
  claimNextJob,
  completeJob,
  DEFAULT_STALE_AFTER_MS,
  failJobAttempt,
  heartbeatJob,
  type Job,
  pauseJob,
  recoverStaleJobs,
  skipJob,
} from "./queue";
import type { JobKind } from "./types";

/** No job is claimed with less time than this left: it could do nothing useful. */
export const MIN_JOB_TIME_MS = 1_000;
/** Heartbeats are written at most this often (a job may ask after every batch). */
const HEARTBEAT_EVERY_MS = 2_000;

export interface JobRunReport {
  id: number;
  kind: string;
  attempt: number;
  outcome: "succeeded" | "paused" | "skipped" | "retry" | "failed" | "lost";
  ms: number;
  error?: string;
}

export interface JobsRunReport {
  recovered: number;
  jobs: JobRunReport[];
}

/**
 * One cron run's share of the queue: puts jobs of dead runners back, then claims and runs due jobs one after
 * another until none is due or the deadline is near. Unfinished work is left for the next run.
 */
export async function runDueJobs(options: {
  pool: Pool;
  env: Env;
  deadline: number;
  kinds: Record<string, JobKind>;
  staleAfterMs?: number;
}): Promise<JobsRunReport> {
  const { pool, deadline, kinds } = options;
  const report: JobsRunReport = {
    recovered: await recoverStaleJobs(pool, options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS),
    jobs: [],
  };
  while (deadline - Date.now() >= MIN_JOB_TIME_MS) {
    const job = await claimNextJob(pool, Object.keys(kinds));
    if (!job) break;
    report.jobs.push(await runJob(pool, options.env, job, kinds[job.kind]!, deadline));
  }
  return report;
}

export async function runJob(
  pool: Pool,
  env: Env,
  job: Job,
  kind: JobKind,
  deadline: number,
): Promise<JobRunReport> {
  const started = Date.now();
  let lastBeat = started;
  let alive = true;
  const heartbeat = async () => {
    if (alive && Date.now() - lastBeat >= HEARTBEAT_EVERY_MS) {
      alive = await heartbeatJob(pool, job);
      lastBeat = Date.now();
    }
    return alive;
  };
  const done = (outcome: JobRunReport["outcome"], error?: string): JobRunReport => ({
    id: job.id,
    kind: job.kind,
    attempt: job.attempts,
    outcome,
    ms: Date.now() - started,
    ...(error === undefined ? {} : { error }),
  });
  let outcome: Awaited<ReturnType<JobKind["run"]>>;
  try {
    outcome = await kind.run({ pool, job, env, deadline, heartbeat });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const state = await failJobAttempt(pool, job, message);
    return done(state === null ? "lost" : state === "failed" ? "failed" : "retry", message);
  }
  // A false answer below means the job was cancelled or taken over meanwhile: nothing of ours to record.
  switch (outcome.status) {
    case "done":
      return done((await completeJob(pool, job, outcome.result)) ? "succeeded" : "lost");
    case "paused":
      return done((await pauseJob(pool, job, outcome.progress)) ? "paused" : "lost");
    case "skipped":
      return done((await skipJob(pool, job, outcome.reason)) ? "skipped" : "lost", outcome.reason);
  }
}
