import { createRoute, z } from "@hono/zod-openapi";
import { findList } from "../../ingest/lists";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { clearUpstream, pollSoon, setUpstream, type UpstreamList, upstreamOf } from "../../upstream/state";
import { normalizeUpstreamUrl } from "../../upstream/upstream-url";
import { errorResponses, iso, jsonContent, slugParam, text } from "../v1/params";
import { adminErrorResponses } from "./present";

const slugParams = z.object({ slug: slugParam });

const syncSchema = z
  .object({
    list: z.string(),
    upstreamUrl: z.string(),
    pollSeconds: z.number().int(),
    mark: z
      .string()
      .nullable()
      .openapi({ description: "everything the upstream received before it is stored" }),
    nextPollAt: z.string().nullable(),
    syncing: z.boolean().openapi({ description: "a run holds the list right now" }),
    failures: z.number().int().openapi({ description: "errors in a row" }),
    status: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "the last run: state ok|behind|error, error {code, message}, counts, hint" }),
  })
  .openapi("ListSync");

type Present = UpstreamList & { nextAt?: Date | null; leaseUntil?: Date | null };

function presentSync(l: Present): z.infer<typeof syncSchema> {
  return {
    list: l.slug,
    upstreamUrl: l.upstreamUrl,
    pollSeconds: l.pollSeconds,
    mark: iso(l.mark),
    nextPollAt: iso(l.nextAt ?? null),
    syncing: !!l.leaseUntil && l.leaseUntil.getTime() > Date.now(),
    failures: l.failures,
    status: (l.status as unknown as Record<string, unknown>) ?? null,
  };
}

const syncBody = z.object({ data: syncSchema });

async function requireUpstream(pool: Parameters<typeof upstreamOf>[0], slug: string) {
  const l = await upstreamOf(pool, slug);
  if (!l) throw new ApiError("not_found", `list "${slug}" follows no upstream`);
  return l;
}

/** A list's upstream (the public-inbox it mirrors) and its sync status. */
export const upstreamsRouter = createRouter()
  .openapi(
    createRoute({
      method: "put",
      path: "/lists/{slug}/upstream",
      tags: ["lists"],
      summary:
        "Follow a public-inbox upstream (creates the list when missing; a new URL starts from nothing)",
      request: {
        params: slugParams,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.object({
                url: z.string().max(2000).openapi({ example: "https://lore.kernel.org/linux-foo/" }),
                pollSeconds: z
                  .number()
                  .int()
                  .min(60)
                  .max(7 * 86400)
                  .optional(),
                name: text().min(1).max(200).optional(),
              }),
            },
          },
        },
      },
      responses: {
        200: jsonContent(syncBody, "the list's upstream"),
        ...errorResponses,
        ...adminErrorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const url = normalizeUpstreamUrl(body.url);
      if (typeof url !== "string") throw new ApiError("bad_request", url.error);
      const slug = c.req.valid("param").slug;
      await setUpstream(c.var.pool, slug, { url, pollSeconds: body.pollSeconds, name: body.name });
      return c.json({ data: presentSync((await upstreamOf(c.var.pool, slug))!) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/lists/{slug}/upstream",
      tags: ["lists"],
      summary: "Stop following the upstream (the mail stays)",
      request: { params: slugParams },
      responses: { 204: { description: "no longer followed" }, ...errorResponses, ...adminErrorResponses },
    }),
    async (c) => {
      const l = await requireUpstream(c.var.pool, c.req.valid("param").slug);
      await clearUpstream(c.var.pool, l.id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/lists/{slug}/sync",
      tags: ["lists"],
      summary: "Sync status: the mark, the next poll, the last run and its error",
      request: { params: slugParams },
      responses: { 200: jsonContent(syncBody, "the sync status"), ...errorResponses, ...adminErrorResponses },
    }),
    async (c) =>
      c.json({ data: presentSync(await requireUpstream(c.var.pool, c.req.valid("param").slug)) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/lists/{slug}/sync",
      tags: ["lists"],
      summary: "Poll the upstream on the next cron run (ends a back-off)",
      request: { params: slugParams },
      responses: { 202: jsonContent(syncBody, "the sync status"), ...errorResponses, ...adminErrorResponses },
    }),
    async (c) => {
      const slug = c.req.valid("param").slug;
      if (!(await findList(c.var.pool, slug))) throw new ApiError("not_found", `no list "${slug}"`);
      const l = await requireUpstream(c.var.pool, slug);
      await pollSoon(c.var.pool, l.id);
      return c.json({ data: presentSync((await upstreamOf(c.var.pool, slug))!) }, 202);
    },
  );
