import { z } from "@hono/zod-openapi";
import { JOB_STATES, type Job } from "../../jobs/queue";

/** A job as the admin API shows it. */
export const jobSchema = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    list: z
      .string()
      .nullable()
      .openapi({ description: "slug of the list the job is about; null: all lists" }),
    state: z.enum(JOB_STATES),
    priority: z.number().int(),
    payload: z.record(z.string(), z.unknown()),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    runAfter: z.string(),
    heartbeatAt: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    error: z.string().nullable(),
    result: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "the outcome when finished; while unfinished, the progress saved so far" }),
  })
  .openapi("Job");

export function presentJob(job: Job): z.infer<typeof jobSchema> {
  return {
    id: job.id,
    kind: job.kind,
    list: job.listSlug,
    state: job.state,
    priority: job.priority,
    payload: job.payload,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    runAfter: job.runAfter.toISOString(),
    heartbeatAt: job.heartbeatAt?.toISOString() ?? null,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    completedAt: job.completedAt?.toISOString() ?? null,
    error: job.error,
    result: job.result,
  };
}

export const adminErrorResponses = {
  401: { description: "missing or wrong bearer token" },
} as const;
