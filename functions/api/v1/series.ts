import { createRoute, z } from "@hono/zod-openapi";
import { findSeries, replyTrailers, seriesMessages, seriesVersions } from "../../../db/queries/series";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { countsFromReply, parseTrailerPerson, type TrailerPerson } from "../../mail/trailers";
import { requireList } from "./lists";
import { errorResponses, idString, iso, jsonContent, slugParam } from "./params";
import { authorRefSchema, presentAuthor } from "./present";

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

type Tally = z.infer<typeof tallySchema>;

const TALLY_KEY: Record<string, keyof Tally> = {
  "reviewed-by": "reviewedBy",
  "acked-by": "ackedBy",
  "tested-by": "testedBy",
  "nacked-by": "nackedBy",
  "reported-by": "reportedBy",
};

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

function emptyTally(): Tally {
  return { reviewedBy: [], ackedBy: [], testedBy: [], nackedBy: [], reportedBy: [] };
}

function addTrailer(tally: Tally, key: string, found: TrailerPerson, emailId: number) {
  const slot = TALLY_KEY[key.toLowerCase()];
  if (!slot) return;
  const person = { name: found.name, email: found.email?.toLowerCase() || null, emailId };
  // One person counts once per kind, wherever they said it.
  const same = (p: { name: string | null; email: string | null }) =>
    person.email ? p.email === person.email : p.name === person.name;
  if (!tally[slot].some(same)) tally[slot].push(person);
}

interface MetadataTrailer {
  key?: unknown;
  value?: unknown;
}

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
    const versions = await seriesVersions(db, list.id, series.lineageKey);
    const messages = await seriesMessages(
      db,
      versions.map((v) => v.id),
    );
    const replies = await replyTrailers(
      db,
      list.id,
      messages.map((m) => m.messageId),
    );
    const tallies = new Map<string, Tally>();
    for (const m of messages) {
      const tally = emptyTally();
      const own = (m.patchMetadata as { trailers?: MetadataTrailer[] } | null)?.trailers;
      for (const t of Array.isArray(own) ? own : []) {
        if (typeof t.key === "string" && typeof t.value === "string")
          addTrailer(tally, t.key, parseTrailerPerson(t.value), m.id);
      }
      tallies.set(m.messageId, tally);
    }
    for (const r of replies) {
      const tally = tallies.get(r.inReplyTo);
      const person = parseTrailerPerson(r.value);
      if (tally && countsFromReply(r.key, person, r.sender)) addTrailer(tally, r.key, person, r.emailId);
    }

    const data = versions.map((v) => {
      const mine = messages.filter((m) => m.seriesId === v.id);
      const present = (m: (typeof mine)[number]) => ({
        id: m.id,
        messageId: m.messageId,
        subject: m.subject,
        date: iso(m.date)!,
        number: m.number,
        total: m.total,
        author: presentAuthor(m)!,
        trailers: tallies.get(m.messageId)!,
      });
      const cover = mine.find((m) => m.id === v.coverEmailId) ?? null;
      const patches = mine
        .filter((m) => m.id !== v.coverEmailId && m.patchType !== "none")
        .map((m) => {
          const meta = m.patchMetadata as {
            files?: { path?: unknown }[];
            insertions?: unknown;
            deletions?: unknown;
          };
          return {
            ...present(m),
            files: (Array.isArray(meta?.files) ? meta.files : []).map((f) => String(f.path ?? "")),
            insertions: typeof meta?.insertions === "number" ? meta.insertions : null,
            deletions: typeof meta?.deletions === "number" ? meta.deletions : null,
          };
        });
      return {
        id: v.id,
        version: v.version,
        versionLabel: v.versionLabel,
        total: v.total,
        title: v.title,
        author: presentAuthor(v)!,
        firstDate: iso(v.firstDate),
        lastDate: iso(v.lastDate),
        coverLetter: cover && present(cover),
        patches,
      };
    });
    return c.json({ data: { seriesId, versions: data } }, 200);
  },
);
