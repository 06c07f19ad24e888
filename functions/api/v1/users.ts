import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  createApiToken,
  findUserById,
  listApiTokens,
  revokeApiToken,
  updateProfile,
  userPreferences,
} from "../../../db/queries/accounts";
import {
  listFollows,
  listNotifications,
  markNotificationsRead,
  removeFollow,
  setFollow,
  threadExists,
} from "../../../db/queries/follows";
import { API_TOKEN_PREFIX, randomToken, sha256Hex } from "../../auth/tokens";
import type { AppBindings } from "../../env";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import {
  booleanString,
  errorResponses,
  idString,
  iso,
  jsonContent,
  listMeta,
  offsetOf,
  paged,
  pagination,
  text,
} from "./params";

/** The signed-in user: their account and their personal API tokens. */

function signedIn(c: Context<AppBindings>): number {
  const who = c.var.principal;
  if (!who) throw new ApiError("unauthorized", "sign in first (Authorization: Bearer)");
  if (who.userId === null) throw new ApiError("forbidden", "the shared ADMIN_TOKEN is no user");
  return who.userId;
}

const tokenSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    scope: z.enum(["read", "admin"]),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi("ApiToken");
type TokenRow = Awaited<ReturnType<typeof listApiTokens>>[number];
const presentToken = (t: TokenRow) => ({
  id: t.id,
  name: t.name,
  scope: t.scope,
  createdAt: iso(t.createdAt)!,
  expiresAt: iso(t.expiresAt),
  lastUsedAt: iso(t.lastUsedAt),
});
const MAX_TOKEN_DAYS = 366;
/** What a user may set: a closed set of known keys, each with its values. */
const preferencesSchema = z
  .object({
    theme: z.enum(["system", "light", "dark"]),
    threadView: z.enum(["flat", "nested"]),
    pageSize: z.number().int().min(10).max(100),
    foldQuotesOver: z.number().int().min(0).max(1000),
  })
  .partial()
  .strict()
  .openapi("Preferences");
const meSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    displayName: z.string().nullable(),
    role: z.enum(["admin", "user"]),
    preferences: preferencesSchema,
  })
  .openapi("Me");

async function me(c: Context<AppBindings>, userId: number) {
  const user = await findUserById(c.var.db, userId);
  if (!user) throw new ApiError("unauthorized", "the account is gone");
  const stored = preferencesSchema.safeParse(await userPreferences(c.var.db, userId));
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    preferences: stored.success ? stored.data : {},
  };
}
const followSchema = z
  .object({ threadId: z.number().int(), level: z.enum(["watch", "mute"]), createdAt: z.string() })
  .openapi("Follow");
const notificationSchema = z
  .object({
    id: z.number().int(),
    type: z.enum(["new_reply"]),
    threadId: z.number().int(),
    list: z.string(),
    messageId: z.string().nullable(),
    subject: z.string().nullable(),
    date: z.string().nullable(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .openapi("Notification");

export const usersRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/users/me",
      tags: ["users"],
      summary: "The signed-in user and their preferences",
      security: [{ bearer: [] }],
      responses: { 200: jsonContent(z.object({ data: meSchema }), "the user"), ...errorResponses },
    }),
    async (c) => c.json({ data: await me(c, signedIn(c)) }, 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/users/me",
      tags: ["users"],
      summary: "Change the display name or preferences (merged into the stored ones)",
      security: [{ bearer: [] }],
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z
                .object({
                  displayName: text().pipe(z.string().trim().min(1).max(100)).nullable().optional(),
                  preferences: preferencesSchema.optional(),
                })
                .strict(),
            },
          },
        },
      },
      responses: { 200: jsonContent(z.object({ data: meSchema }), "the user as changed"), ...errorResponses },
    }),
    async (c) => {
      const userId = signedIn(c);
      await updateProfile(c.var.db, userId, c.req.valid("json"));
      return c.json({ data: await me(c, userId) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/users/me/tokens",
      tags: ["users"],
      summary: "A personal API token for scripts: shown once, stored only as a hash",
      security: [{ bearer: [] }],
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.object({
                name: text().pipe(z.string().min(1).max(100)),
                scope: z.enum(["read", "admin"]).default("read"),
                expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).default(90),
              }),
            },
          },
        },
      },
      responses: {
        201: jsonContent(z.object({ data: tokenSchema.extend({ token: z.string() }) }), "the token, once"),
        ...errorResponses,
      },
    }),
    async (c) => {
      const userId = signedIn(c);
      const body = c.req.valid("json");
      if (body.scope === "admin" && c.var.principal!.role !== "admin")
        throw new ApiError("forbidden", "only an admin may make an admin-scoped token");
      if (c.var.principal!.via === "api_token")
        throw new ApiError("forbidden", "an API token cannot make API tokens: sign in");
      const token = `${API_TOKEN_PREFIX}${randomToken()}`;
      const row = await createApiToken(c.var.db, {
        userId,
        name: body.name,
        scope: body.scope,
        hashedToken: await sha256Hex(token),
        expiresAt: new Date(Date.now() + body.expiresInDays * 86_400_000),
      });
      c.header("cache-control", "no-store");
      return c.json({ data: { ...presentToken(row), token } }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/users/me/tokens",
      tags: ["users"],
      summary: "The signed-in user's live API tokens (never their secrets)",
      security: [{ bearer: [] }],
      responses: {
        200: jsonContent(z.object({ data: z.array(tokenSchema) }), "the tokens"),
        ...errorResponses,
      },
    }),
    async (c) => c.json({ data: (await listApiTokens(c.var.db, signedIn(c))).map(presentToken) }, 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/users/me/tokens/{id}",
      tags: ["users"],
      summary: "Revoke one of the signed-in user's API tokens",
      security: [{ bearer: [] }],
      request: { params: z.object({ id: idString }) },
      responses: { 204: { description: "revoked" }, ...errorResponses },
    }),
    async (c) => {
      const ok = await revokeApiToken(c.var.db, signedIn(c), Number(c.req.valid("param").id));
      if (!ok) throw new ApiError("not_found", "no such live token of yours");
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/users/me/follows/{threadId}",
      tags: ["users"],
      summary: "Watch a thread (a notification per new reply) or mute it",
      security: [{ bearer: [] }],
      request: {
        params: z.object({ threadId: idString }),
        body: {
          required: true,
          content: { "application/json": { schema: z.object({ level: z.enum(["watch", "mute"]) }) } },
        },
      },
      responses: { 200: jsonContent(z.object({ data: followSchema }), "the follow"), ...errorResponses },
    }),
    async (c) => {
      const userId = signedIn(c);
      const threadId = Number(c.req.valid("param").threadId);
      if (!(await threadExists(c.var.db, threadId))) throw new ApiError("not_found", `no thread ${threadId}`);
      const row = await setFollow(c.var.db, userId, threadId, c.req.valid("json").level);
      return c.json(
        { data: { threadId: row.threadId, level: row.level, createdAt: iso(row.createdAt)! } },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/users/me/follows/{threadId}",
      tags: ["users"],
      summary: "Stop following a thread",
      security: [{ bearer: [] }],
      request: { params: z.object({ threadId: idString }) },
      responses: { 204: { description: "no longer followed" }, ...errorResponses },
    }),
    async (c) => {
      const ok = await removeFollow(c.var.db, signedIn(c), Number(c.req.valid("param").threadId));
      if (!ok) throw new ApiError("not_found", "you do not follow that thread");
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/users/me/follows",
      tags: ["users"],
      summary: "The threads the signed-in user follows, latest activity first",
      security: [{ bearer: [] }],
      request: { query: z.object(pagination) },
      responses: {
        200: jsonContent(
          z.object({
            data: z.array(
              followSchema.extend({ subject: z.string(), list: z.string(), lastDate: z.string().nullable() }),
            ),
            meta: listMeta,
          }),
          "the follows",
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = c.req.valid("query");
      const { rows, total } = await listFollows(c.var.db, signedIn(c), {
        limit: p.pageSize,
        offset: offsetOf(p),
      });
      const data = rows.map((r) => ({
        threadId: r.threadId,
        level: r.level,
        createdAt: iso(r.createdAt)!,
        subject: r.subject,
        list: r.list,
        lastDate: iso(r.lastDate),
      }));
      return c.json(paged(p, data, total), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/users/me/notifications",
      tags: ["users"],
      summary: "Replies in watched threads, newest first (unread=true: only those not yet read)",
      security: [{ bearer: [] }],
      request: { query: z.object({ ...pagination, unread: booleanString.optional() }) },
      responses: {
        200: jsonContent(
          z.object({ data: z.array(notificationSchema), meta: listMeta }),
          "the notifications",
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const p = c.req.valid("query");
      const { rows, total } = await listNotifications(c.var.db, signedIn(c), p.unread === true, {
        limit: p.pageSize,
        offset: offsetOf(p),
      });
      const data = rows.map((r) => ({
        id: r.id,
        type: r.type,
        threadId: r.threadId,
        list: r.list,
        messageId: r.messageId,
        subject: r.subject,
        date: iso(r.date),
        createdAt: iso(r.createdAt)!,
        readAt: iso(r.readAt),
      }));
      return c.json(paged(p, data, total), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/users/me/notifications/read",
      tags: ["users"],
      summary: "Mark notifications read: the given ids, or all up to a cursor (a notification id)",
      security: [{ bearer: [] }],
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.union([
                z.object({ ids: z.array(z.number().int().positive()).min(1).max(1000) }),
                z.object({ upTo: z.number().int().positive() }),
              ]),
            },
          },
        },
      },
      responses: {
        200: jsonContent(z.object({ data: z.object({ marked: z.number().int() }) }), "how many were marked"),
        ...errorResponses,
      },
    }),
    async (c) => {
      const marked = await markNotificationsRead(c.var.db, signedIn(c), c.req.valid("json"));
      return c.json({ data: { marked } }, 200);
    },
  );
