import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import {
  countLoginAttempt,
  createRefreshToken,
  findLoginUser,
  findUserById,
  recordLoginFailure,
  recordLoginSuccess,
  revokeAllSessions,
  revokeRefreshToken,
  spendRefreshToken,
} from "../../../db/queries/accounts";
import { workerArgon2 } from "../../auth/argon2-worker";
import { constantTimeEqual, DUMMY_PHC, MAX_PASSWORD_LENGTH, verifyPassword } from "../../auth/password";
import { issueAccessToken, REFRESH_TTL_SECONDS, randomToken, sha256Hex } from "../../auth/tokens";
import type { AppBindings } from "../../env";
import { ApiError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { errorResponses, jsonContent } from "./params";

/**
 * Sign-in. The refresh token travels only in an HttpOnly cookie scoped to /api/v1/auth; the routes that
 * spend it also want the double-submit CSRF header (`X-CSRF-Token` equal to the `nexus_csrf` cookie, which
 * a page of another site can neither read nor set).
 */
export const REFRESH_COOKIE = "nexus_refresh";
export const CSRF_COOKIE = "nexus_csrf";
export const CSRF_HEADER = "x-csrf-token";
const AUTH_PATH = "/api/v1/auth";
/** Login attempts one client address may make per window, whatever the accounts. */
const ADDRESS_LIMIT = 20;
const ADDRESS_WINDOW_SECONDS = 15 * 60;

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

type Ctx = Context<AppBindings>;

function jwtSecret(c: Ctx): string {
  const secret = c.env.JWT_SECRET;
  if (!secret) throw new ApiError("forbidden", "sign-in is disabled: set the JWT_SECRET secret");
  return secret;
}

/** A new session for the user: an access token, a refresh token in `familyId` (new when absent), the cookies. */
async function openSession(
  c: Ctx,
  user: {
    id: number;
    email: string;
    displayName: string | null;
    role: "admin" | "user";
    tokenVersion: number;
  },
  familyId?: string,
) {
  const access = await issueAccessToken(jwtSecret(c), user);
  const refresh = randomToken();
  await createRefreshToken(
    c.var.db,
    user.id,
    await sha256Hex(refresh),
    new Date(Date.now() + REFRESH_TTL_SECONDS * 1000),
    familyId,
  );
  const csrf = randomToken();
  const cookie = { httpOnly: true, secure: true, sameSite: "Lax", maxAge: REFRESH_TTL_SECONDS } as const;
  setCookie(c, REFRESH_COOKIE, refresh, { ...cookie, path: AUTH_PATH });
  setCookie(c, CSRF_COOKIE, csrf, { ...cookie, httpOnly: false, path: "/" });
  c.header("cache-control", "no-store");
  return {
    accessToken: access.token,
    expiresAt: access.expiresAt.toISOString(),
    csrfToken: csrf,
    user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role },
  };
}

function requireCsrf(c: Ctx): void {
  const cookie = getCookie(c, CSRF_COOKIE) ?? "";
  const header = c.req.header(CSRF_HEADER) ?? "";
  const enc = new TextEncoder();
  if (!cookie || !header || !constantTimeEqual(enc.encode(cookie), enc.encode(header)))
    throw new ApiError("forbidden", `missing or wrong ${CSRF_HEADER} header`);
}

function endSession(c: Ctx): void {
  deleteCookie(c, REFRESH_COOKIE, { path: AUTH_PATH, secure: true });
  deleteCookie(c, CSRF_COOKIE, { path: "/", secure: true });
}

const WRONG = "wrong email or password";

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
      jwtSecret(c);
      const { email, password } = c.req.valid("json");
      const address = c.req.header("cf-connecting-ip") ?? "unknown";
      if ((await countLoginAttempt(c.var.db, address, ADDRESS_WINDOW_SECONDS)) > ADDRESS_LIMIT)
        throw new ApiError(
          "too_many_requests",
          "too many sign-in attempts from this address: wait and try again",
        );
      const argon2 = await workerArgon2();
      const user = await findLoginUser(c.var.db, email);
      const locked = !!user?.lockedUntil && user.lockedUntil > new Date();
      // unknown, disabled and locked accounts cost one verification too, and answer as a wrong password does
      const ok = verifyPassword(
        argon2,
        user && !user.disabled && !locked ? user.passwordHash : DUMMY_PHC,
        password,
      );
      if (!user || user.disabled || locked || !ok) {
        if (user && !locked) await recordLoginFailure(c.var.db, user.id);
        throw new ApiError("unauthorized", WRONG);
      }
      await recordLoginSuccess(c.var.db, user.id);
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
      const token = getCookie(c, REFRESH_COOKIE);
      if (!token) throw new ApiError("unauthorized", "no refresh cookie: sign in");
      const spent = await spendRefreshToken(c.var.db, await sha256Hex(token));
      if (spent.kind !== "rotated") {
        endSession(c);
        throw new ApiError(
          "unauthorized",
          spent.kind === "reused"
            ? "this refresh token was already used: every session of this sign-in is ended"
            : "the refresh token is not valid: sign in",
        );
      }
      const user = await findUserById(c.var.db, spent.userId);
      if (!user || user.disabled) throw new ApiError("unauthorized", "the account is not active");
      return c.json({ data: await openSession(c, user, spent.familyId) }, 200);
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
      const token = getCookie(c, REFRESH_COOKIE);
      if (token) await revokeRefreshToken(c.var.db, await sha256Hex(token));
      endSession(c);
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
