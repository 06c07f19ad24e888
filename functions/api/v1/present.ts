import { z } from "@hono/zod-openapi";
import { iso } from "./params";

/** Response shapes shared by several routers, and the functions that fill them from query rows. */

export const authorRefSchema = z
  .object({ id: z.number().int(), email: z.string(), name: z.string().nullable() })
  .openapi("AuthorRef");

export const seriesRefSchema = z
  .object({
    id: z.number().int(),
    number: z.number().int().nullable(),
    total: z.number().int().nullable(),
  })
  .openapi("SeriesRef");

export const emailSummarySchema = z
  .object({
    id: z.number().int(),
    list: z.string(),
    messageId: z.string(),
    subject: z.string(),
    date: z.string(),
    inReplyTo: z.string().nullable(),
    author: authorRefSchema,
    patchType: z.enum(["none", "inline", "attachment"]),
    isPatchOnly: z.boolean(),
    series: seriesRefSchema.nullable(),
    threadId: z.number().int().nullable(),
  })
  .openapi("EmailSummary");

export interface AuthorColumns {
  authorId: number | null;
  authorEmail: string | null;
  authorName: string | null;
}

export function presentAuthor(row: AuthorColumns) {
  if (row.authorId === null) return null;
  return { id: row.authorId, email: row.authorEmail ?? "", name: row.authorName };
}

export interface EmailSummaryRow extends AuthorColumns {
  id: number;
  listSlug: string;
  messageId: string;
  subject: string;
  date: Date | string;
  inReplyTo: string | null;
  authorId: number;
  patchType: "none" | "inline" | "attachment";
  isPatchOnly: boolean;
  seriesId: number | null;
  seriesNumber: number | null;
  seriesTotal: number | null;
  threadId: number | null;
}

export function presentEmailSummary(row: EmailSummaryRow): z.infer<typeof emailSummarySchema> {
  return {
    id: row.id,
    list: row.listSlug,
    messageId: row.messageId,
    subject: row.subject,
    date: iso(row.date)!,
    inReplyTo: row.inReplyTo,
    author: presentAuthor(row)!,
    patchType: row.patchType,
    isPatchOnly: row.isPatchOnly,
    series:
      row.seriesId === null ? null : { id: row.seriesId, number: row.seriesNumber, total: row.seriesTotal },
    threadId: row.threadId,
  };
}

export const threadSummarySchema = z
  .object({
    id: z.number().int(),
    subject: z.string(),
    rootMessageId: z.string(),
    rootEmailId: z.number().int().nullable(),
    startDate: z.string(),
    lastDate: z.string(),
    messageCount: z.number().int(),
    hasPatches: z.boolean(),
    starter: authorRefSchema.nullable(),
  })
  .openapi("ThreadSummary");

export interface ThreadSummaryRow {
  id: number;
  subject: string;
  rootMessageId: string;
  rootEmailId: number | null;
  startDate: Date;
  lastDate: Date;
  messageCount: number;
  hasPatches: boolean;
  starterId: number | null;
  starterEmail: string | null;
  starterName: string | null;
}

export function presentThreadSummary(row: ThreadSummaryRow): z.infer<typeof threadSummarySchema> {
  return {
    id: row.id,
    subject: row.subject,
    rootMessageId: row.rootMessageId,
    rootEmailId: row.rootEmailId,
    startDate: iso(row.startDate)!,
    lastDate: iso(row.lastDate)!,
    messageCount: row.messageCount,
    hasPatches: row.hasPatches,
    starter: presentAuthor({
      authorId: row.starterId,
      authorEmail: row.starterEmail,
      authorName: row.starterName,
    }),
  };
}
