import { createRoute, z } from "@hono/zod-openapi";
import type { Db } from "../../../db/client";
import { findListBySlug, listActivity, listLists, listStats } from "../../../db/queries/lists";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { errorResponses, jsonContent, listMeta, offsetOf, paged, pagination, slugParam } from "./params";

const listSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    enabled: z.boolean(),
    createdAt: z.string(),
    lastSyncedAt: z.string().nullable(),
    lastThreadedAt: z.string().nullable(),
  })
  .openapi("MailingList");

const statsSchema = z
  .object({
    emailCount: z.number().int(),
    threadCount: z.number().int(),
    authorCount: z.number().int(),
    patchCount: z.number().int(),
    seriesCount: z.number().int(),
    firstEmailDate: z.string().nullable(),
    lastEmailDate: z.string().nullable(),
  })
  .openapi("ListStats");

const detailedStatsSchema = statsSchema
  .extend({
    slug: z.string(),
    topAuthors: z.array(
      z.object({
        id: z.number().int(),
        email: z.string(),
        name: z.string().nullable(),
        emailCount: z.number().int(),
        threadCount: z.number().int(),
      }),
    ),
    emailsPerYear: z.array(z.object({ year: z.number().int(), emailCount: z.number().int() })),
  })
  .openapi("ListDetailedStats");

type ListRow = NonNullable<Awaited<ReturnType<typeof findListBySlug>>>;

function presentList(row: ListRow) {
  return {
    slug: row.slug,
    name: row.name,
    description: row.description,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
    lastThreadedAt: row.lastThreadedAt?.toISOString() ?? null,
  };
}

/** The list named in the path, or a 404 that says which slug was not found. */
export async function requireList(db: Db, slug: string): Promise<ListRow> {
  const list = await findListBySlug(db, slug);
  if (!list) throw new ApiError("not_found", `no mailing list "${slug}"`);
  return list;
}

const pageQuery = z.object(pagination);
const slugParams = z.object({ slug: slugParam });

export const listsRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/lists",
      tags: ["lists"],
      summary: "Every archived mailing list, by slug",
      request: { query: pageQuery },
      responses: {
        200: jsonContent(z.object({ data: z.array(listSchema), meta: listMeta }), "the lists"),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = c.req.valid("query");
      const { rows, total } = await listLists(c.var.db, { limit: p.pageSize, offset: offsetOf(p) });
      return c.json(paged(p, rows.map(presentList), total), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/lists/stats",
      tags: ["lists"],
      summary: "Message, thread, author, patch and series counts of every list",
      request: { query: pageQuery },
      responses: {
        200: jsonContent(
          z.object({ data: z.array(statsSchema.extend({ slug: z.string() })), meta: listMeta }),
          "counts per list",
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = c.req.valid("query");
      const { rows, total } = await listLists(c.var.db, { limit: p.pageSize, offset: offsetOf(p) });
      const stats = await listStats(
        c.var.db,
        rows.map((r) => r.id),
      );
      const data = rows.map((r) => ({ slug: r.slug, ...stats.get(r.id)! }));
      return c.json(paged(p, data, total), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/lists/{slug}",
      tags: ["lists"],
      summary: "One mailing list",
      request: { params: slugParams },
      responses: { 200: jsonContent(z.object({ data: listSchema }), "the list"), ...errorResponses },
    }),
    async (c) => {
      const list = await requireList(c.var.db, c.req.valid("param").slug);
      return c.json({ data: presentList(list) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/lists/{slug}/stats",
      tags: ["lists"],
      summary: "Counts, busiest senders and messages per year of one list",
      request: { params: slugParams },
      responses: {
        200: jsonContent(z.object({ data: detailedStatsSchema }), "the statistics"),
        ...errorResponses,
      },
    }),
    async (c) => {
      const list = await requireList(c.var.db, c.req.valid("param").slug);
      const stats = (await listStats(c.var.db, [list.id])).get(list.id)!;
      const activity = await listActivity(c.var.db, list.id);
      return c.json({ data: { slug: list.slug, ...stats, ...activity } }, 200);
    },
  );
