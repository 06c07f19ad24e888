import { z } from "@hono/zod-openapi";
import { DateSyntaxError, parseDateRange } from "../../search/query-dates";

/** Shared request and response pieces of the read API. Every bound here is what keeps bad input a 400. */

export const MAX_PAGE_SIZE = 100;
export const MAX_PAGE = 10_000;

export const pagination = {
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE)
    .default(1)
    .openapi({ description: `1-based page number (at most ${MAX_PAGE})`, example: 1 }),
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(25)
    .openapi({ description: `items per page, 1..${MAX_PAGE_SIZE}`, example: 25 }),
};

export interface Page {
  page: number;
  pageSize: number;
}

export const offsetOf = (p: Page) => (p.page - 1) * p.pageSize;

/** The one shape of every list response: `{ data, meta: { page, pageSize, total } }`. */
export const paged = <T>(p: Page, data: T[], total: number) => ({
  data,
  meta: { page: p.page, pageSize: p.pageSize, total },
});

/** A database id: digits only, within JavaScript's safe integers (so within bigint). */
export const idString = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, "must be a positive whole number")
  .transform(Number)
  .openapi({ type: "string", example: "42" });

/** Postgres text cannot carry NUL: a string with one is bad input, not a database error. */
export const text = () => z.string().refine((v) => !v.includes("\u0000"), "must not contain NUL characters");

export const slugParam = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "must be a list slug (lower-case letters, digits, . _ -)")
  .openapi({ param: { name: "slug", in: "path" }, example: "kgdb-bugreport" });

export const booleanString = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1")
  .openapi({ type: "string", enum: ["true", "false"] });

function dateBound(which: "since" | "until") {
  return z
    .string()
    .max(40)
    .transform((value, ctx) => {
      try {
        const range = parseDateRange(which === "since" ? `${value}..` : `..${value}`);
        return (which === "since" ? range.from : range.to) as Date;
      } catch (error) {
        if (!(error instanceof DateSyntaxError)) throw error;
        ctx.addIssue({ code: "custom", message: error.message });
        return z.NEVER;
      }
    })
    .openapi({
      type: "string",
      description:
        which === "since"
          ? "inclusive start: 2024-01-01, 20240101, 2024-01-01T10:00 or 2.weeks.ago (UTC)"
          : "inclusive end: a date includes that whole day (UTC)",
      example: which === "since" ? "2024-01-01" : "2024-06-30",
    });
}

export const since = dateBound("since");
export const until = dateBound("until");

/** An author by id or by address. */
export const authorRef = text()
  .min(1)
  .max(320)
  .openapi({ description: "author id or e-mail address", example: "jason.wessel@windriver.com" });

export const listMeta = z.object({
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export const errorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
    requestId: z.string().optional(),
  })
  .openapi("Error");

export const errorResponses = {
  400: { description: "bad parameters", content: { "application/json": { schema: errorSchema } } },
  404: { description: "not found", content: { "application/json": { schema: errorSchema } } },
  503: {
    description: "database unavailable or migrations not applied",
    content: { "application/json": { schema: errorSchema } },
  },
  504: {
    description: "a statement ran past the request's statement timeout and was cancelled",
    content: { "application/json": { schema: errorSchema } },
  },
} as const;

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** Timestamps from raw SQL arrive as Postgres text ("2024-01-01 10:00:00+00"); answer ISO 8601. */
export function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
