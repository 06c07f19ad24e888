import { createRoute, z } from "@hono/zod-openapi";
import { jobKinds } from "../../jobs/kinds";
import { cancelJob, deleteJob, enqueueJob, getJob, JOB_STATES, listJobs } from "../../jobs/queue";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { requireList } from "../v1/lists";
import {
  errorResponses,
  errorSchema,
  idString,
  jsonContent,
  listMeta,
  offsetOf,
  paged,
  pagination,
} from "../v1/params";
import { adminErrorResponses, jobSchema, presentJob } from "./present";

const kindNames = Object.keys(jobKinds) as [string, ...string[]];
const idParams = z.object({ id: idString.openapi({ param: { name: "id", in: "path" } }) });
const jobBody = z.object({ data: jobSchema });
const conflict = {
  409: {
    description: "the job is in the wrong state",
    content: { "application/json": { schema: errorSchema } },
  },
};

async function requireJob(db: Parameters<typeof getJob>[0], id: number) {
  const job = await getJob(db, id);
  if (!job) throw new ApiError("not_found", `no job ${id}`);
  return job;
}

export const jobsRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/jobs",
      tags: ["jobs"],
      summary: "Jobs, newest first, by state, list and kind",
      request: {
        query: z.object({
          ...pagination,
          state: z.enum(JOB_STATES).optional(),
          list: z.string().min(1).max(100).optional().openapi({ description: "list slug" }),
          kind: z.enum(kindNames).optional(),
        }),
      },
      responses: {
        200: jsonContent(z.object({ data: z.array(jobSchema), meta: listMeta }), "the jobs"),
        ...errorResponses,
        ...adminErrorResponses,
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const listId = q.list === undefined ? undefined : (await requireList(c.var.db, q.list)).id;
      const { rows, total } = await listJobs(c.var.pool, {
        state: q.state,
        listId,
        kind: q.kind,
        limit: q.pageSize,
        offset: offsetOf(q),
      });
      return c.json(paged(q, rows.map(presentJob), total), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/jobs",
      tags: ["jobs"],
      summary: "Queue a job",
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.object({
                kind: z.enum(kindNames),
                list: z
                  .string()
                  .min(1)
                  .max(100)
                  .optional()
                  .openapi({ description: "list slug; omit for all lists" }),
                payload: z.record(z.string(), z.unknown()).optional(),
                priority: z.number().int().min(-1000).max(1000).optional(),
                maxAttempts: z.number().int().min(1).max(20).optional(),
                runAfter: z.iso.datetime({ offset: true }).optional(),
              }),
            },
          },
        },
      },
      responses: { 201: jsonContent(jobBody, "the queued job"), ...errorResponses, ...adminErrorResponses },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const kind = jobKinds[body.kind]!;
      if (kind.scope === "list" && !body.list)
        throw new ApiError("bad_request", `a ${body.kind} job needs a list`);
      if (kind.scope === "all" && body.list)
        throw new ApiError("bad_request", `a ${body.kind} job covers all lists`);
      const listId = body.list === undefined ? null : (await requireList(c.var.db, body.list)).id;
      const job = await enqueueJob(c.var.pool, {
        kind: body.kind,
        listId,
        payload: body.payload,
        priority: body.priority,
        maxAttempts: body.maxAttempts,
        runAfter: body.runAfter === undefined ? undefined : new Date(body.runAfter),
      });
      return c.json({ data: presentJob(job) }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/jobs/{id}",
      tags: ["jobs"],
      summary: "One job",
      request: { params: idParams },
      responses: { 200: jsonContent(jobBody, "the job"), ...errorResponses, ...adminErrorResponses },
    }),
    async (c) => c.json({ data: presentJob(await requireJob(c.var.pool, c.req.valid("param").id)) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/jobs/{id}/cancel",
      tags: ["jobs"],
      summary: "Cancel a queued or running job (a running one stops after its current batch)",
      request: { params: idParams },
      responses: {
        200: jsonContent(jobBody, "the cancelled job"),
        ...conflict,
        ...errorResponses,
        ...adminErrorResponses,
      },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const outcome = await cancelJob(c.var.pool, id);
      if (!outcome) throw new ApiError("not_found", `no job ${id}`);
      if (!outcome.cancelled) throw new ApiError("conflict", `job ${id} is already ${outcome.job.state}`);
      return c.json({ data: presentJob(outcome.job) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/jobs/{id}",
      tags: ["jobs"],
      summary: "Delete a finished job (succeeded, failed or cancelled)",
      request: { params: idParams },
      responses: { 204: { description: "deleted" }, ...conflict, ...errorResponses, ...adminErrorResponses },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const outcome = await deleteJob(c.var.pool, id);
      if (outcome === "missing") throw new ApiError("not_found", `no job ${id}`);
      if (outcome === "active") throw new ApiError("conflict", `job ${id} is not finished: cancel it first`);
      return c.body(null, 204);
    },
  );
