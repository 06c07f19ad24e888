import { createRoute, z } from "@hono/zod-openapi";
import { findAuthor, searchAuthors } from "../../../db/queries/authors";
import { listEmails } from "../../../db/queries/emails";
import { listThreads } from "../../../db/queries/threads";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { emailQuery } from "./emails";
import { requireList } from "./lists";
import {
  errorResponses,
  idString,
  iso,
  jsonContent,
  listMeta,
  offsetOf,
  paged,
  pagination,
  slugParam,
} from "./params";
import {
  emailSummarySchema,
  presentEmailSummary,
  presentThreadSummary,
  threadSummarySchema,
} from "./present";
import { threadQuery } from "./threads";

const authorSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string().nullable(),
    firstSeen: z.string().nullable(),
    lastSeen: z.string().nullable(),
    emailCount: z.number().int().openapi({ description: "messages across all lists" }),
    similarity: z
      .number()
      .nullable()
      .openapi({ description: "trigram word similarity to q (0..1), when q is given" }),
  })
  .openapi("Author");

const authorDetailSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string().nullable(),
    firstSeen: z.string().nullable(),
    lastSeen: z.string().nullable(),
    aliases: z.array(
      z.object({
        name: z.string(),
        usageCount: z.number().int(),
        firstSeen: z.string().nullable(),
        lastSeen: z.string().nullable(),
      }),
    ),
    lists: z.array(
      z.object({
        slug: z.string(),
        firstEmailDate: z.string().nullable(),
        lastEmailDate: z.string().nullable(),
        emailCount: z.number().int(),
        threadCount: z.number().int(),
      }),
    ),
  })
  .openapi("AuthorDetail");

const authorListParams = z.object({ id: idString, slug: slugParam });

async function requireAuthor(c: { var: { db: Parameters<typeof findAuthor>[0] } }, id: number) {
  const author = await findAuthor(c.var.db, id);
  if (!author) throw new ApiError("not_found", `no author ${id}`);
  return author;
}

const threadsOfAuthorQuery = threadQuery.omit({ author: true });

/** One page of the threads of a list that an author started (`startedBy`) or wrote in (`authorId`). */
async function threadsOfAuthor(
  db: Parameters<typeof findAuthor>[0],
  { id, slug }: { id: number; slug: string },
  q: z.infer<typeof threadsOfAuthorQuery>,
  role: "startedBy" | "authorId",
) {
  const list = await requireList(db, slug);
  await requireAuthor({ var: { db } }, id);
  const { rows, total } = await listThreads(
    db,
    list.id,
    { by: q.sort, order: q.order },
    { since: q.since, until: q.until, hasPatches: q.hasPatches, [role]: id },
    { limit: q.pageSize, offset: offsetOf(q) },
  );
  return paged(q, rows.map(presentThreadSummary), total);
}

export const authorsRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/authors",
      tags: ["authors"],
      summary: "Authors, by fuzzy name/address search (q) or by activity",
      request: {
        query: z.object({
          ...pagination,
          q: z
            .string()
            .trim()
            .min(1)
            .max(200)
            .optional()
            .openapi({ description: "name or address, typos allowed" }),
          sort: z.enum(["activity", "name", "recent"]).default("activity"),
        }),
      },
      responses: {
        200: jsonContent(z.object({ data: z.array(authorSchema), meta: listMeta }), "authors"),
        ...errorResponses,
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const { rows, total } = await searchAuthors(c.var.db, q.q, q.sort, {
        limit: q.pageSize,
        offset: offsetOf(q),
      });
      const data = rows.map((r) => ({
        ...r,
        firstSeen: iso(r.firstSeen),
        lastSeen: iso(r.lastSeen),
        similarity: r.similarity === null ? null : Number(r.similarity),
      }));
      return c.json(paged(q, data, total), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/authors/{id}",
      tags: ["authors"],
      summary: "An author with every name they used and their activity per list",
      request: { params: z.object({ id: idString }) },
      responses: {
        200: jsonContent(z.object({ data: authorDetailSchema }), "the author"),
        ...errorResponses,
      },
    }),
    async (c) => {
      const a = await requireAuthor(c, c.req.valid("param").id);
      return c.json(
        {
          data: {
            ...a,
            firstSeen: iso(a.firstSeen),
            lastSeen: iso(a.lastSeen),
            aliases: a.aliases.map((x) => ({ ...x, firstSeen: iso(x.firstSeen), lastSeen: iso(x.lastSeen) })),
            lists: a.lists.map((x) => ({
              ...x,
              firstEmailDate: iso(x.firstEmailDate),
              lastEmailDate: iso(x.lastEmailDate),
            })),
          },
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/authors/{id}/lists/{slug}/emails",
      tags: ["authors"],
      summary: "An author's messages in one list, newest first",
      request: { params: authorListParams, query: emailQuery.omit({ author: true }) },
      responses: {
        200: jsonContent(z.object({ data: z.array(emailSummarySchema), meta: listMeta }), "messages"),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id, slug } = c.req.valid("param");
      const list = await requireList(c.var.db, slug);
      await requireAuthor(c, id);
      const q = c.req.valid("query");
      const { rows, total } = await listEmails(
        c.var.db,
        { listId: list.id, authorId: id, since: q.since, until: q.until, hasPatches: q.hasPatches },
        { limit: q.pageSize, offset: offsetOf(q) },
      );
      return c.json(paged(q, rows.map(presentEmailSummary), total), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/authors/{id}/lists/{slug}/threads-started",
      tags: ["authors"],
      summary: "Threads of one list whose first message the author wrote",
      request: { params: authorListParams, query: threadsOfAuthorQuery },
      responses: {
        200: jsonContent(z.object({ data: z.array(threadSummarySchema), meta: listMeta }), "threads"),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(await threadsOfAuthor(c.var.db, c.req.valid("param"), c.req.valid("query"), "startedBy"), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/authors/{id}/lists/{slug}/threads-participated",
      tags: ["authors"],
      summary: "Threads of one list the author wrote at least one message in",
      request: { params: authorListParams, query: threadsOfAuthorQuery },
      responses: {
        200: jsonContent(z.object({ data: z.array(threadSummarySchema), meta: listMeta }), "threads"),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(await threadsOfAuthor(c.var.db, c.req.valid("param"), c.req.valid("query"), "authorId"), 200),
  );
