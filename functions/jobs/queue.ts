import type { Pool } from "@neondatabase/serverless";
import { withTransaction } from "../../db/transaction";

/**
 * The job queue on `sync_jobs`. A job is claimed by one runner with `FOR UPDATE SKIP LOCKED` (two runners never
 * get the same job), kept alive by heartbeats, and finished, paused (out of time: back to `queued` with its
 * progress), retried with back-off, or failed once `max_attempts` is used up. Every runner-side update is
 * fenced on `(state = 'running', attempts = <the claim's attempt>)`, so a runner that was presumed dead and
 * replaced cannot overwrite its successor, and a cancelled job stays cancelled.
 */

export const JOB_STATES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];
export const FINISHED_STATES: readonly JobState[] = ["succeeded", "failed", "cancelled"];

export interface Job {
  id: number;
  kind: string;
  listId: number | null;
  listSlug: string | null;
  state: JobState;
  priority: number;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
  runAfter: Date;
  heartbeatAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  error: string | null;
  /** The outcome when finished; while queued or running, the progress saved by the last run (e.g. a cursor). */
  result: Record<string, unknown> | null;
}

export interface NewJob {
  kind: string;
  listId?: number | null;
  payload?: Record<string, unknown>;
  priority?: number;
  maxAttempts?: number;
  /** Not before this time (default now). */
  runAfter?: Date;
}

/** A runner whose heartbeat is older than this is presumed dead and its job is given to another run. */
export const DEFAULT_STALE_AFTER_MS = 5 * 60_000;

/** Back-off before attempt N+1 after attempt N failed: 30 s, 1 min, 2 min … at most 1 h. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, failedAttempts - 1), 3_600_000);
}

interface JobRow {
  id: string | number;
  kind: string;
  mailing_list_id: string | number | null;
  list_slug: string | null;
  state: JobState;
  priority: number;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  run_after: Date;
  heartbeat_at: Date | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  error: string | null;
  result: Record<string, unknown> | null;
}

function toJob(r: JobRow): Job {
  return {
    id: Number(r.id),
    kind: r.kind,
    listId: r.mailing_list_id === null ? null : Number(r.mailing_list_id),
    listSlug: r.list_slug,
    state: r.state,
    priority: r.priority,
    payload: r.payload,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAfter: new Date(r.run_after),
    heartbeatAt: r.heartbeat_at && new Date(r.heartbeat_at),
    createdAt: new Date(r.created_at),
    startedAt: r.started_at && new Date(r.started_at),
    completedAt: r.completed_at && new Date(r.completed_at),
    error: r.error,
    result: r.result,
  };
}

/** Wraps a statement that returns sync_jobs rows as `j` so every function answers the list's slug too. */
function withSlug(statement: string): string {
  return `WITH j AS (${statement}) SELECT j.*, l.slug AS list_slug FROM j LEFT JOIN mailing_lists l ON l.id = j.mailing_list_id`;
}

type Queryable = Pick<Pool, "query">;

async function jobs(db: Queryable, statement: string, params: unknown[]): Promise<Job[]> {
  const { rows } = await db.query<JobRow>(withSlug(statement), params);
  return rows.map(toJob);
}

export async function enqueueJob(db: Queryable, job: NewJob): Promise<Job> {
  const [row] = await jobs(
    db,
    `INSERT INTO sync_jobs (kind, mailing_list_id, payload, priority, max_attempts, run_after)
     VALUES ($1, $2, $3, $4, $5, coalesce($6, now())) RETURNING *`,
    [
      job.kind,
      job.listId ?? null,
      JSON.stringify(job.payload ?? {}),
      job.priority ?? 0,
      job.maxAttempts ?? 5,
      job.runAfter ?? null,
    ],
  );
  return row!;
}

/**
 * Enqueues a job unless one of the same kind and list is already queued, in which case that one is answered.
 * An advisory transaction lock on (kind, list) makes check-then-insert safe between concurrent requests.
 */
export function enqueueUniqueJob(pool: Pool, job: NewJob): Promise<{ job: Job; created: boolean }> {
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('sync_jobs:' || $1 || ':' || $2))", [
      job.kind,
      String(job.listId ?? ""),
    ]);
    const [existing] = await jobs(
      client,
      `SELECT * FROM sync_jobs WHERE state = 'queued' AND kind = $1 AND mailing_list_id IS NOT DISTINCT FROM $2
       ORDER BY id LIMIT 1`,
      [job.kind, job.listId ?? null],
    );
    return existing
      ? { job: existing, created: false }
      : { job: await enqueueJob(client, job), created: true };
  });
}

/**
 * Claims the most urgent due job among `kinds` (highest priority, then oldest) for this runner: it becomes
 * `running`, its attempt is counted and its heartbeat starts. Jobs locked by a concurrent claim are skipped.
 */
export async function claimNextJob(db: Queryable, kinds: readonly string[]): Promise<Job | null> {
  const [job] = await jobs(
    db,
    `UPDATE sync_jobs SET state = 'running', attempts = attempts + 1, heartbeat_at = now(),
            started_at = coalesce(started_at, now())
      WHERE id = (SELECT id FROM sync_jobs
                   WHERE state = 'queued' AND run_after <= now() AND kind = ANY($1::text[])
                   ORDER BY priority DESC, id
                   LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [kinds],
  );
  return job ?? null;
}

const FENCE = `id = $1 AND state = 'running' AND attempts = $2`;

/** Records that the runner is alive. False when the job is no longer this runner's (cancelled, reclaimed). */
export async function heartbeatJob(db: Queryable, job: Job): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE sync_jobs SET heartbeat_at = now() WHERE ${FENCE}`, [
    job.id,
    job.attempts,
  ]);
  return rowCount === 1;
}

export async function completeJob(
  db: Queryable,
  job: Job,
  result: Record<string, unknown>,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE sync_jobs SET state = 'succeeded', completed_at = now(), heartbeat_at = NULL, error = NULL, result = $3
      WHERE ${FENCE}`,
    [job.id, job.attempts, JSON.stringify(result)],
  );
  return rowCount === 1;
}

/** Out of time, not failed: back to the queue, due now, with its progress; the attempt is not counted. */
export async function pauseJob(db: Queryable, job: Job, progress: Record<string, unknown>): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE sync_jobs SET state = 'queued', attempts = attempts - 1, run_after = now(), heartbeat_at = NULL,
            result = $3
      WHERE ${FENCE}`,
    [job.id, job.attempts, JSON.stringify(progress)],
  );
  return rowCount === 1;
}

/** Nothing to do for this job here (e.g. no embedding provider): finished as cancelled, with the reason. */
export async function skipJob(db: Queryable, job: Job, reason: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE sync_jobs SET state = 'cancelled', completed_at = now(), heartbeat_at = NULL, error = $3,
            result = jsonb_build_object('skipped', $3::text)
      WHERE ${FENCE}`,
    [job.id, job.attempts, reason],
  );
  return rowCount === 1;
}

/** A failed attempt: retried after a back-off while attempts remain, else `failed`. The error is kept. */
export async function failJobAttempt(db: Queryable, job: Job, error: string): Promise<JobState | null> {
  const { rows } = await db.query<{ state: JobState }>(
    `UPDATE sync_jobs
        SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END::sync_job_state,
            completed_at = CASE WHEN attempts >= max_attempts THEN now() END,
            run_after = CASE WHEN attempts >= max_attempts THEN run_after
                             ELSE now() + $4 * interval '1 millisecond' END,
            heartbeat_at = NULL, error = $3
      WHERE ${FENCE} RETURNING state`,
    [job.id, job.attempts, error.slice(0, 4000), retryDelayMs(job.attempts)],
  );
  return rows[0]?.state ?? null;
}

/**
 * Jobs whose runner stopped heartbeating: back to the queue (the lost attempt counts), or failed when that was
 * the last attempt. Safe to run from two runners at once: each row is updated once.
 */
export async function recoverStaleJobs(
  db: Queryable,
  staleAfterMs = DEFAULT_STALE_AFTER_MS,
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE sync_jobs
        SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END::sync_job_state,
            completed_at = CASE WHEN attempts >= max_attempts THEN now() END,
            run_after = now(), heartbeat_at = NULL,
            error = 'runner stopped heartbeating during attempt ' || attempts
      WHERE state = 'running' AND heartbeat_at < now() - $1 * interval '1 millisecond'`,
    [staleAfterMs],
  );
  return rowCount ?? 0;
}

export async function getJob(db: Queryable, id: number): Promise<Job | null> {
  const [job] = await jobs(db, "SELECT * FROM sync_jobs WHERE id = $1", [id]);
  return job ?? null;
}

export interface JobFilter {
  state?: JobState;
  listId?: number;
  kind?: string;
  limit: number;
  offset: number;
}

/** Newest first. */
export async function listJobs(db: Queryable, f: JobFilter): Promise<{ rows: Job[]; total: number }> {
  const where = `($1::sync_job_state IS NULL OR state = $1) AND ($2::bigint IS NULL OR mailing_list_id = $2)
                 AND ($3::text IS NULL OR kind = $3)`;
  const params = [f.state ?? null, f.listId ?? null, f.kind ?? null];
  const rows = await jobs(db, `SELECT * FROM sync_jobs WHERE ${where} ORDER BY id DESC LIMIT $4 OFFSET $5`, [
    ...params,
    f.limit,
    f.offset,
  ]);
  const { rows: count } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sync_jobs WHERE ${where}`,
    params,
  );
  return { rows, total: count[0]!.n };
}

/** Cancels a queued or running job (a running one stops at its next heartbeat). Null: no such job. */
export async function cancelJob(db: Queryable, id: number): Promise<{ job: Job; cancelled: boolean } | null> {
  const [job] = await jobs(
    db,
    `UPDATE sync_jobs SET state = 'cancelled', completed_at = now(), heartbeat_at = NULL,
            error = 'cancelled by an operator'
      WHERE id = $1 AND state IN ('queued', 'running') RETURNING *`,
    [id],
  );
  if (job) return { job, cancelled: true };
  const current = await getJob(db, id);
  return current && { job: current, cancelled: false };
}

/** Deletes a finished job. "active" when it is still queued or running (cancel it first). */
export async function deleteJob(db: Queryable, id: number): Promise<"deleted" | "active" | "missing"> {
  const { rows } = await db.query<{ state: JobState; deleted: boolean }>(
    `WITH d AS (DELETE FROM sync_jobs WHERE id = $1 AND state IN ('succeeded', 'failed', 'cancelled') RETURNING id)
     SELECT s.state, EXISTS (SELECT 1 FROM d) AS deleted FROM sync_jobs s WHERE s.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return "missing";
  return row.deleted ? "deleted" : "active";
}
