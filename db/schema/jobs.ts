import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { mailingLists } from "./lists";

export const syncJobState = pgEnum("sync_job_state", [
  "queued",
  "running",
  "succeeded",
  "failed",
  "cancelled",
]);

/**
 * The job queue. A worker claims with
 * `WHERE state = 'queued' AND run_after <= now() ORDER BY priority DESC, id FOR UPDATE SKIP LOCKED`,
 * served by the partial index below; a failed attempt goes back to `queued` with a later `run_after`.
 */
export const syncJobs = pgTable(
  "sync_jobs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    kind: text("kind").notNull(),
    mailingListId: bigint("mailing_list_id", { mode: "number" }).references(() => mailingLists.id, {
      onDelete: "cascade",
    }),
    state: syncJobState("state").notNull().default("queued"),
    priority: integer("priority").notNull().default(0),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    runAfter: timestamptz("run_after").notNull().defaultNow(),
    heartbeatAt: timestamptz("heartbeat_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    startedAt: timestamptz("started_at"),
    completedAt: timestamptz("completed_at"),
    error: text("error"),
    result: jsonb("result"),
  },
  (t) => [
    index("sync_jobs_claim_idx").on(t.priority.desc().nullsFirst(), t.id).where(sql`${t.state} = 'queued'`),
    index("sync_jobs_list_state_idx").on(t.mailingListId, t.state),
    index("sync_jobs_running_heartbeat_idx").on(t.heartbeatAt).where(sql`${t.state} = 'running'`),
    check("sync_jobs_attempts_check", sql`${t.attempts} >= 0 AND ${t.maxAttempts} >= 1`),
  ],
);

/**
 * Progress of a batched backfill (one row per backfill, e.g. `search`): what its last run did, so the admin
 * API can report rate, last run and last error without keeping a log.
 */
export const backfillStatus = pgTable("backfill_status", {
  name: text("name").primaryKey(),
  lastRunAt: timestamptz("last_run_at"),
  lastRunRows: integer("last_run_rows").notNull().default(0),
  lastRunMs: integer("last_run_ms").notNull().default(0),
  totalRows: bigint("total_rows", { mode: "number" }).notNull().default(0),
  lastError: text("last_error"),
  lastErrorAt: timestamptz("last_error_at"),
});
