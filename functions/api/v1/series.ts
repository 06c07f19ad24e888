import { createRoute, z } from "@hono/zod-openapi";
import { findSeries } from "../../../db/queries/series";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { seriesWithTallies } from "../../series/view";
import { requireList } from "./lists";
import { errorResponses, idString, jsonContent, slugParam } from "./params";
import { authorRefSchema } from "./present";

/**
 * A series with all its versions. Each patch carries a tally of who reviewed, acked and tested it: the
 * trailers in the patch itself plus those its replies give, at any depth (test/worker/series-trailers-b4
 * holds the tallies to b4's own expected answers); trailers sent in reply to the cover letter apply to the
 * whole version (as b4 applies them) and are tallied on the cover letter. A reply's Reviewed-by, Acked-by,
 * Tested-by or Nacked-by counts only when it names its sender (b4's rule: "Reviewed-by: someone else" is
 * not that person's word); see functions/mail/trailers.ts.
 */

const personSchema = z
  .object({
    name: z.string().nullable(),
    email: z.string().nullable(),
    emailId: z.number().int().openapi({ description: "the message the trailer was given in" }),
  })
  .openapi("TrailerPerson");

const tallySchema = z
  .object({
    reviewedBy: z.array(personSchema),
    ackedBy: z.array(personSchema),
    testedBy: z.array(personSchema),
    nackedBy: z.array(personSchema),
    reportedBy: z.array(personSchema),
  })
  .openapi("TrailerTally");

const messageSchema = z.object({
  id: z.number().int(),
  messageId: z.string(),
  subject: z.string(),
  date: z.string(),
  number: z.number().int().nullable(),
  total: z.number().int().nullable(),
  author: authorRefSchema,
});

const versionSchema = z
  .object({
    id: z.number().int(),
    version: z
      .number()
      .int()
      .openapi({ description: "vN of the subject: 0 for [PATCH v0], 1 when none is given" }),
    versionLabel: z
      .string()
      .nullable()
      .openapi({ description: 'the version as written when it is more than vN ("v2.1"), else null' }),
    total: z.number().int().nullable(),
    title: z.string(),
    author: authorRefSchema,
    firstDate: z.string().nullable(),
    lastDate: z.string().nullable(),
    coverLetter: messageSchema.extend({ trailers: tallySchema }).nullable(),
    patches: z.array(
      messageSchema.extend({
        files: z.array(z.string()),
        insertions: z.number().int().nullable(),
        deletions: z.number().int().nullable(),
        trailers: tallySchema,
      }),
    ),
  })
  .openapi("SeriesVersion");

export const seriesRouter = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/lists/{slug}/series/{seriesId}",
    tags: ["series"],
    summary: "A patch series: every version, its patches in order, the cover letter and trailer tallies",
    request: { params: z.object({ slug: slugParam, seriesId: idString }) },
    responses: {
      200: jsonContent(
        z.object({ data: z.object({ seriesId: z.number().int(), versions: z.array(versionSchema) }) }),
        "the series",
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { slug, seriesId } = c.req.valid("param");
    const db = c.var.db;
    const list = await requireList(db, slug);
    const series = await findSeries(db, list.id, seriesId);
    if (!series) throw new ApiError("not_found", `no series ${seriesId} in ${slug}`);
    const versions = await seriesWithTallies(db, list.id, series.lineageKey);
    return c.json({ data: { seriesId, versions } }, 200);
  },
);
