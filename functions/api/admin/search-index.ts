import { createRoute, z } from "@hono/zod-openapi";
import { enqueueUniqueJob, listJobs } from "../../jobs/queue";
import { createRouter } from "../../lib/router";
import { SEARCH_REFRESH_JOB } from "../../search-index/refresh-job";
import { searchIndexStatus } from "../../search-index/status";
import { requireList } from "../v1/lists";
import { errorResponses, jsonContent } from "../v1/params";
import { adminErrorResponses, jobSchema, presentJob } from "./present";

export const searchIndexStatusSchema = z
  .object({
    recipeVersion: z
      .number()
      .int()
      .openapi({ description: "version of the text recipe rows are built with" }),
    emails: z.number().int(),
    remaining: z.object({
      total: z.number().int(),
      missing: z.number().int().openapi({ description: "never built" }),
      outdated: z.number().int().openapi({ description: "built by an older recipe version" }),
    }),
    lastRun: z
      .object({
        at: z.string(),
        rows: z.number().int(),
        ms: z.number().int(),
        rowsPerSecond: z.number().nullable(),
      })
      .nullable(),
    backfilledRows: z.number().int(),
    lastError: z.object({ message: z.string(), at: z.string() }).nullable(),
    refreshJobs: z.array(jobSchema).openapi({ description: "refresh jobs queued or running" }),
  })
  .openapi("SearchIndexStatus");

export const searchIndexRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/search/index/status",
      tags: ["search index"],
      summary: "Backfill progress of lex_ts/body_ts: remaining rows, rate, last run, last error",
      responses: {
        200: jsonContent(z.object({ data: searchIndexStatusSchema }), "the status"),
        ...errorResponses,
        ...adminErrorResponses,
      },
    }),
    async (c) => {
      const status = await searchIndexStatus(c.var.pool);
      const active = await Promise.all(
        (["running", "queued"] as const).map((state) =>
          listJobs(c.var.pool, { state, kind: SEARCH_REFRESH_JOB, limit: 100, offset: 0 }),
        ),
      );
      return c.json({ data: { ...status, refreshJobs: active.flatMap((a) => a.rows.map(presentJob)) } }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/search/index/refresh",
      tags: ["search index"],
      summary: "Queue a rebuild of lex_ts/body_ts for one list ({ list }) or all lists ({})",
      description:
        "202 with the new job; while a refresh of the same scope is still queued, 200 with that job.",
      request: {
        body: {
          required: false,
          content: {
            "application/json": {
              schema: z.object({ list: z.string().min(1).max(100).optional() }).strict(),
            },
          },
        },
      },
      responses: {
        202: jsonContent(z.object({ data: jobSchema }), "the refresh job was queued"),
        200: jsonContent(z.object({ data: jobSchema }), "a refresh of this scope was already queued"),
        ...errorResponses,
        ...adminErrorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid("json") ?? {};
      const listId = body.list === undefined ? null : (await requireList(c.var.db, body.list)).id;
      const { job, created } = await enqueueUniqueJob(c.var.pool, { kind: SEARCH_REFRESH_JOB, listId });
      return c.json({ data: presentJob(job) }, created ? 202 : 200);
    },
  );
