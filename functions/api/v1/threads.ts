import { createRoute, z } from "@hono/zod-openapi";
import { findThread, listThreads, threadTree } from "../../../db/queries/threads";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { requireList } from "./lists";
import {
  authorRef,
  booleanString,
  errorResponses,
  idString,
  iso,
  jsonContent,
  listMeta,
  offsetOf,
  paged,
  pagination,
  since,
  slugParam,
  until,
} from "./params";
import { authorRefSchema, presentAuthor, presentThreadSummary, threadSummarySchema } from "./present";

const treeMessageSchema = z
  .object({
    messageId: z.string(),
    emailId: z.number().int().nullable(),
    parentMessageId: z.string().nullable(),
    depth: z.number().int(),
    position: z.number().int(),
    phantom: z.boolean().openapi({ description: "referenced by the thread but not in the archive" }),
    subject: z.string().nullable(),
    date: z.string().nullable(),
    author: authorRefSchema.nullable(),
    patch: z
      .object({
        type: z.enum(["inline", "attachment"]),
        isPatchOnly: z.boolean(),
        files: z.number().int().nullable(),
        insertions: z.number().int().nullable(),
        deletions: z.number().int().nullable(),
      })
      .nullable(),
    series: z
      .object({
        id: z.number().int(),
        number: z.number().int().nullable(),
        total: z.number().int().nullable(),
        version: z.number().int().nullable(),
      })
      .nullable(),
  })
  .openapi("ThreadMessage");

export const threadQuery = z.object({
  ...pagination,
  sort: z.enum(["lastActivity", "startDate", "messageCount"]).default("lastActivity"),
  order: z.enum(["desc", "asc"]).default("desc"),
  since: since.optional().openapi({ description: "threads with a message on or after this date" }),
  until: until.optional().openapi({ description: "threads started on or before this date" }),
  hasPatches: booleanString.optional(),
  author: authorRef.optional().openapi({ description: "threads this author (id or address) wrote in" }),
});

const threadListResponse = jsonContent(
  z.object({ data: z.array(threadSummarySchema), meta: listMeta }),
  "threads, in the requested order",
);

export const threadsRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/lists/{slug}/threads",
      tags: ["threads"],
      summary: "Threads of a list",
      request: { params: z.object({ slug: slugParam }), query: threadQuery },
      responses: { 200: threadListResponse, ...errorResponses },
    }),
    async (c) => {
      const list = await requireList(c.var.db, c.req.valid("param").slug);
      const q = c.req.valid("query");
      const { rows, total } = await listThreads(
        c.var.db,
        list.id,
        { by: q.sort, order: q.order },
        { since: q.since, until: q.until, hasPatches: q.hasPatches, authorRef: q.author },
        { limit: q.pageSize, offset: offsetOf(q) },
      );
      return c.json(paged(q, rows.map(presentThreadSummary), total), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/lists/{slug}/threads/{id}",
      tags: ["threads"],
      summary: "One thread as a tree: every message in walk order with depth and parent",
      request: { params: z.object({ slug: slugParam, id: idString }) },
      responses: {
        200: jsonContent(
          z.object({ data: threadSummarySchema.extend({ messages: z.array(treeMessageSchema) }) }),
          "the thread",
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { slug, id } = c.req.valid("param");
      const list = await requireList(c.var.db, slug);
      const thread = await findThread(c.var.db, list.id, id);
      if (!thread) throw new ApiError("not_found", `no thread ${id} in ${slug}`);
      const tree = await threadTree(c.var.db, id);
      const messages = tree.map((m) => ({
        messageId: m.messageId,
        emailId: m.emailId,
        parentMessageId: m.parentMessageId,
        depth: m.depth,
        position: m.position,
        phantom: m.emailId === null,
        subject: m.subject,
        date: iso(m.date),
        author: presentAuthor(m),
        patch:
          m.patchType && m.patchType !== "none"
            ? {
                type: m.patchType,
                isPatchOnly: m.isPatchOnly ?? false,
                files: m.patchFiles,
                insertions: m.patchInsertions,
                deletions: m.patchDeletions,
              }
            : null,
        series:
          m.seriesId === null
            ? null
            : { id: m.seriesId, number: m.seriesNumber, total: m.seriesTotal, version: m.seriesVersion },
      }));
      return c.json({ data: { ...presentThreadSummary(thread), messages } }, 200);
    },
  );
