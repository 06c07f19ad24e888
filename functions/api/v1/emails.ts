import { createRoute, z } from "@hono/zod-openapi";
import { findEmail, findEmailsByMessageId, listEmails, withHeaders } from "../../../db/queries/emails";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { normalizeMessageId } from "../../mail/message-id";
import { requireList } from "./lists";
import {
  authorRef,
  booleanString,
  errorResponses,
  idString,
  jsonContent,
  listMeta,
  offsetOf,
  paged,
  pagination,
  since,
  slugParam,
  text,
  until,
} from "./params";
import { authorRefSchema, emailSummarySchema, presentEmailSummary } from "./present";

const trailerSchema = z
  .object({
    key: z.string(),
    value: z.string(),
    name: z.string().optional(),
    email: z.string().optional(),
    line: z.number().int(),
  })
  .openapi("Trailer");

const emailDetailSchema = emailSummarySchema
  .extend({
    headers: z.object({
      messageId: z.string(),
      subject: z.string(),
      date: z.string(),
      dateIsFallback: z.boolean().openapi({ description: "the Date header was missing or unusable" }),
      inReplyTo: z.string().nullable(),
      from: authorRefSchema,
      to: z.array(authorRefSchema),
      cc: z.array(authorRefSchema),
      references: z.array(z.string()),
    }),
    body: z.string().openapi({ description: "the decoded text body" }),
    patchMetadata: z.unknown().nullable().openapi({
      description: "diff line ranges, diffstat, files touched with added/removed counts, trailers, footer",
    }),
    trailers: z.array(trailerSchema),
    seriesVersion: z.number().int().nullable(),
    source: z.object({ epoch: z.number().int().nullable(), commit: z.string().nullable() }),
  })
  .openapi("Email");

type DetailRow = Awaited<ReturnType<typeof withHeaders>>;

function presentEmailDetail(row: DetailRow): z.infer<typeof emailDetailSchema> {
  const summary = presentEmailSummary(row);
  const people = (kind: "to" | "cc") =>
    row.recipients.filter((r) => r.kind === kind).map((r) => ({ id: r.id, email: r.email, name: r.name }));
  const metadata = row.patchMetadata as { trailers?: unknown } | null;
  return {
    ...summary,
    headers: {
      messageId: row.messageId,
      subject: row.subject,
      date: summary.date,
      dateIsFallback: row.dateIsFallback,
      inReplyTo: row.inReplyTo,
      from: summary.author,
      to: people("to"),
      cc: people("cc"),
      references: row.references,
    },
    body: row.body,
    patchMetadata: row.patchMetadata ?? null,
    trailers: Array.isArray(metadata?.trailers) ? (metadata.trailers as z.infer<typeof trailerSchema>[]) : [],
    seriesVersion: row.seriesVersion,
    source: { epoch: row.epoch, commit: row.sourceCommit },
  };
}

export const emailQuery = z.object({
  ...pagination,
  since: since.optional(),
  until: until.optional(),
  hasPatches: booleanString.optional(),
  author: authorRef.optional(),
});

export const emailsRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/lists/{slug}/emails",
      tags: ["emails"],
      summary: "Messages of a list, newest first",
      request: { params: z.object({ slug: slugParam }), query: emailQuery },
      responses: {
        200: jsonContent(z.object({ data: z.array(emailSummarySchema), meta: listMeta }), "messages"),
        ...errorResponses,
      },
    }),
    async (c) => {
      const list = await requireList(c.var.db, c.req.valid("param").slug);
      const q = c.req.valid("query");
      const { rows, total } = await listEmails(
        c.var.db,
        { listId: list.id, since: q.since, until: q.until, hasPatches: q.hasPatches, authorRef: q.author },
        { limit: q.pageSize, offset: offsetOf(q) },
      );
      return c.json(paged(q, rows.map(presentEmailSummary), total), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/lists/{slug}/emails/{id}",
      tags: ["emails"],
      summary: "One message: headers, decoded body, recipients, references, patch metadata and trailers",
      request: { params: z.object({ slug: slugParam, id: idString }) },
      responses: {
        200: jsonContent(z.object({ data: emailDetailSchema }), "the message"),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { slug, id } = c.req.valid("param");
      const list = await requireList(c.var.db, slug);
      const email = await findEmail(c.var.db, list.id, id);
      if (!email) throw new ApiError("not_found", `no message ${id} in ${slug}`);
      return c.json({ data: presentEmailDetail(email) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/messages/{messageId}",
      tags: ["emails"],
      summary: "A message by its Message-ID, in whichever list holds it (URL-encode the id; <> optional)",
      request: {
        params: z.object({
          messageId: text()
            .min(1)
            .max(1000)
            .openapi({
              param: { name: "messageId", in: "path" },
              example: "20240101120000.1234-1-jason@example.com",
            }),
        }),
      },
      responses: {
        200: jsonContent(
          z.object({
            data: emailDetailSchema.extend({
              alsoIn: z
                .array(
                  z.object({ list: z.string(), id: z.number().int(), threadId: z.number().int().nullable() }),
                )
                .openapi({ description: "other lists that archived the same message (cross-posts)" }),
            }),
          }),
          "the message",
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const raw = c.req.valid("param").messageId;
      const messageId = normalizeMessageId(raw.includes("<") ? raw : `<${raw}>`);
      if (!messageId) throw new ApiError("bad_request", `"${raw}" is not a Message-ID`);
      const [first, ...rest] = await findEmailsByMessageId(c.var.db, messageId);
      if (!first) throw new ApiError("not_found", `no message <${messageId}> in any list`);
      const detail = presentEmailDetail(await withHeaders(c.var.db, first));
      const alsoIn = rest.map((r) => ({ list: r.listSlug, id: r.id, threadId: r.threadId }));
      return c.json({ data: { ...detail, alsoIn } }, 200);
    },
  );
