import type { Pool } from "@neondatabase/serverless";
import type { Env } from "../env";
import type { Job } from "./queue";

/** What a job's code gets: the run's pool, the job as claimed, the bindings and the run's deadline. */
export interface JobContext {
  pool: Pool;
  job: Job;
  env: Env;
  /** Epoch ms by which the job must have returned (paused if unfinished). */
  deadline: number;
  /** Keeps the claim alive (throttled); false when the job was cancelled or taken over: stop then. */
  heartbeat(): Promise<boolean>;
}

export type JobOutcome =
  /** Finished; the result is stored on the job. */
  | { status: "done"; result: Record<string, unknown> }
  /** Out of time: back to the queue with this progress (the job's `result` until it finishes). */
  | { status: "paused"; progress: Record<string, unknown> }
  /** Nothing this deployment can do (e.g. no embedding provider): cancelled with the reason. */
  | { status: "skipped"; reason: string };

/** One kind of job. Throwing fails the attempt (retried with back-off until max_attempts). */
export interface JobKind {
  description: string;
  /** Whether the job is about one list (`list` required), all lists (no list) or either. */
  scope: "list" | "all" | "either";
  run(ctx: JobContext): Promise<JobOutcome>;
}
