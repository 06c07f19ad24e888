import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import {
  countLoginAttempt,
  createRefreshToken,
  findLoginUser,
  findUserById,
  recordLoginFailure,
  recordLoginSuccess,
  revokeRefreshToken,
  spendRefreshToken,
} from "../../db/queries/accounts";
import type { AppBindings } from "../env";
import { ApiError } from "../lib/errors";
import { workerArgon2 } from "./argon2-worker";
import { constantTimeEqual, DUMMY_PHC, verifyPassword } from "./password";
import { ACCESS_TTL_SECONDS, issueAccessToken, REFRESH_TTL_SECONDS, randomToken, sha256Hex } from "./tokens";

/**
 * The one implementation of signing in, refreshing and signing out, for the JSON API (functions/api/v1/auth.ts)
 * and the pages (functions/web/account.tsx). Cookies:
 * - `nexus_refresh`: the refresh token (HttpOnly, Secure, SameSite=Lax, path /api/v1/auth, 7 days);
 * - `nexus_csrf`: the double-submit CSRF token (readable, path /, 7 days), sent back as the `X-CSRF-Token`
 *   header (JSON) or the `csrf` form field (pages);
 * - `nexus_session`: the page session, a copy of the access token (HttpOnly, Secure, SameSite=Lax, path /,
 *   15 minutes), which only the pages accept (functions/middleware/principal.ts).
 */
export const REFRESH_COOKIE = "nexus_refresh";
export const CSRF_COOKIE = "nexus_csrf";
export const SESSION_COOKIE = "nexus_session";
export const CSRF_HEADER = "x-csrf-token";
export const AUTH_PATH = "/api/v1/auth";
/** Login attempts one client address may make per window, whatever the accounts. */
const ADDRESS_LIMIT = 20;
const ADDRESS_WINDOW_SECONDS = 15 * 60;
export const WRONG_PASSWORD = "wrong email or password";

type Ctx = Context<AppBindings>;
export interface SessionUser {
  id: number;
  email: string;
  displayName: string | null;
  role: "admin" | "user";
  tokenVersion: number;
}

export function jwtSecret(c: Ctx): string {
  const secret = c.env.JWT_SECRET;
  if (!secret) throw new ApiError("forbidden", "sign-in is disabled: set the JWT_SECRET secret");
  return secret;
}

/**
 * The user these credentials name, or an ApiError: `too_many_requests` past the address's budget, else
 * `unauthorized` with one message for unknown, disabled, locked and wrong — after the same Argon2 work.
 */
export async function verifyLogin(c: Ctx, email: string, password: string): Promise<SessionUser> {
  jwtSecret(c);
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
    throw new ApiError("unauthorized", WRONG_PASSWORD);
  }
  await recordLoginSuccess(c.var.db, user.id);
  return user;
}

/** A new session for the user: an access token, a refresh token in `familyId` (new when absent), the cookies. */
export async function openSession(c: Ctx, user: SessionUser, familyId?: string) {
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
  setCookie(c, SESSION_COOKIE, access.token, { ...cookie, maxAge: ACCESS_TTL_SECONDS, path: "/" });
  c.header("cache-control", "no-store");
  return {
    accessToken: access.token,
    expiresAt: access.expiresAt.toISOString(),
    csrfToken: csrf,
    user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role },
  };
}

/**
 * Spends the refresh cookie for a new session in the same family, or an ApiError `unauthorized` (the
 * cookies are then cleared). The caller checks CSRF first.
 */
export async function refreshSession(c: Ctx) {
  jwtSecret(c);
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
  if (!user || user.disabled) {
    endSession(c);
    throw new ApiError("unauthorized", "the account is not active");
  }
  return openSession(c, user, spent.familyId);
}

/** Signs this session out: its refresh token revoked (when the request carries it), every cookie cleared. */
export async function closeSession(c: Ctx): Promise<void> {
  const token = getCookie(c, REFRESH_COOKIE);
  if (token) await revokeRefreshToken(c.var.db, await sha256Hex(token));
  endSession(c);
}

export function endSession(c: Ctx): void {
  deleteCookie(c, REFRESH_COOKIE, { path: AUTH_PATH, secure: true });
  deleteCookie(c, CSRF_COOKIE, { path: "/", secure: true });
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
}

/** The double-submit check: `given` (the header, or a form's `csrf` field) equals the CSRF cookie, in constant time. */
export function csrfMatches(c: Ctx, given: string | undefined): boolean {
  const cookie = getCookie(c, CSRF_COOKIE) ?? "";
  const enc = new TextEncoder();
  return !!cookie && !!given && constantTimeEqual(enc.encode(cookie), enc.encode(given));
}

export function requireCsrf(c: Ctx, given = c.req.header(CSRF_HEADER)): void {
  if (!csrfMatches(c, given)) throw new ApiError("forbidden", `missing or wrong ${CSRF_HEADER} header`);
}
