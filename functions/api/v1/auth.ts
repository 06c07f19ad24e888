import { createRoute, z } from "@hono/zod-openapi";
import { revokeAllSessions } from "../../../db/queries/accounts";
import {
  CSRF_HEADER,
  closeSession,
  endSession,
  jwtSecret,
  openSession,
  refreshSession,
  requireCsrf,
  verifyLogin,
} from "../../auth/login";
import { MAX_PASSWORD_LENGTH } from "../../auth/password";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { errorResponses, jsonContent } from "./params";

/**
 * Sign-in for API clients. The refresh token travels only in an HttpOnly cookie scoped to /api/v1/auth; the
 * routes that spend it also want the double-submit CSRF header (`X-CSRF-Token` equal to the `nexus_csrf`
 * cookie, which a page of another site can neither read nor set). The logic is functions/auth/login.ts, which
 * the sign-in form of the pages shares.
 */

const userSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    displayName: z.string().nullable(),
    role: z.enum(["admin", "user"]),
  })
  .openapi("User");
const sessionSchema = z
  .object({
    accessToken: z
      .string()
      .openapi({ description: "JWT (HS256), 15 minutes: send as Authorization: Bearer" }),
    expiresAt: z.string(),
    csrfToken: z
      .string()
      .openapi({ description: `send back as ${CSRF_HEADER} to /auth/refresh and /auth/logout` }),
    user: userSchema,
  })
  .openapi("Session");
const credentials = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

export const authRouter = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/login",
      tags: ["auth"],
      summary: "Sign in with email and password: an access token and the refresh cookie",
      request: { body: { content: { "application/json": { schema: credentials } }, required: true } },
      responses: { 200: jsonContent(z.object({ data: sessionSchema }), "signed in"), ...errorResponses },
    }),
    async (c) => {
      const { email, password } = c.req.valid("json");
      const user = await verifyLogin(c, email, password);
      return c.json({ data: await openSession(c, user) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/refresh",
      tags: ["auth"],
      summary:
        "A new access token for the refresh cookie (rotated on every use; a reused one ends the family)",
      responses: { 200: jsonContent(z.object({ data: sessionSchema }), "refreshed"), ...errorResponses },
    }),
    async (c) => {
      jwtSecret(c);
      requireCsrf(c);
      return c.json({ data: await refreshSession(c) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/logout",
      tags: ["auth"],
      summary: "Sign out this session: the refresh cookie is revoked and cleared",
      responses: { 204: { description: "signed out" }, ...errorResponses },
    }),
    async (c) => {
      requireCsrf(c);
      await closeSession(c);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/logout-all",
      tags: ["auth"],
      summary: "Sign out everywhere: every refresh token revoked, every access token ended",
      security: [{ bearer: [] }],
      responses: { 204: { description: "signed out everywhere" }, ...errorResponses },
    }),
    async (c) => {
      const who = c.var.principal;
      if (!who?.userId) throw new ApiError("unauthorized", "sign in first");
      await revokeAllSessions(c.var.db, who.userId);
      endSession(c);
      return c.body(null, 204);
    },
  );
