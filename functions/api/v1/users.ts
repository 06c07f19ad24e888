import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createApiToken, findUserById, listApiTokens, revokeApiToken } from "../../../db/queries/accounts";
import { API_TOKEN_PREFIX, randomToken, sha256Hex } from "../../auth/tokens";
import type { AppBindings } from "../../env";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { errorResponses, idString, iso, jsonContent, text } from "./params";

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

export const usersRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/users/me",
      tags: ["users"],
      summary: "The signed-in user",
      security: [{ bearer: [] }],
      responses: {
        200: jsonContent(
          z.object({
            data: z.object({
              id: z.number().int(),
              email: z.string(),
              displayName: z.string().nullable(),
              role: z.enum(["admin", "user"]),
            }),
          }),
          "the user",
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const user = await findUserById(c.var.db, signedIn(c));
      if (!user) throw new ApiError("unauthorized", "the account is gone");
      return c.json(
        { data: { id: user.id, email: user.email, displayName: user.displayName, role: user.role } },
        200,
      );
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
  );
