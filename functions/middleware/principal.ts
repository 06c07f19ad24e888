import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { findUserById, useApiToken } from "../../db/queries/accounts";
import { SESSION_COOKIE } from "../auth/login";
import { constantTimeEqual } from "../auth/password";
import { API_TOKEN_PREFIX, sha256Hex, verifyAccessToken } from "../auth/tokens";
import type { AppBindings, Principal } from "../env";
import { ApiError } from "../lib/errors";

/**
 * Who is calling: `Authorization: Bearer` with an access token (JWT), a personal API token (nxp_…) or the
 * opt-in shared ADMIN_TOKEN. No header: anonymous (principal null). A token that is present but not valid
 * — expired, tampered, signed with another key, of a disabled user, ended by a token_version bump — is a
 * 401, never silently anonymous.
 *
 * Pages (any path outside /api and /admin) also accept the page-session cookie (an access token, see
 * functions/auth/login.ts) when no header is sent; one that is no longer valid is anonymous there (the pages
 * then refresh it, functions/web/session.ts). The JSON API never takes a cookie for a credential.
 */
export const principalMiddleware = createMiddleware<AppBindings>(async (c, next) => {
  const header = c.req.header("authorization");
  if (header) c.set("principal", await principalOf(c.env, c.var.db, header));
  else {
    const session = isPagePath(c.req.path) ? getCookie(c, SESSION_COOKIE) : undefined;
    const who = session ? await accessTokenPrincipal(c.env, c.var.db, session) : null;
    c.set("principal", who && { ...who, via: "session" });
  }
  await next();
});

const isPagePath = (path: string) => !/^\/(api|admin)(\/|$)/.test(path);

/** The user of a valid access token (signature, expiry, token_version, account enabled), or null. */
async function accessTokenPrincipal(
  env: AppBindings["Bindings"],
  db: AppBindings["Variables"]["db"],
  token: string,
): Promise<Principal | null> {
  const secrets = [env.JWT_SECRET, env.JWT_SECRET_PREVIOUS].filter((s): s is string => !!s);
  const claims = secrets.length ? await verifyAccessToken(token, secrets) : null;
  if (!claims) return null;
  const user = await findUserById(db, Number(claims.sub));
  if (!user || user.disabled || user.tokenVersion !== claims.tv) return null;
  return { userId: user.id, role: user.role, via: "access_token" };
}

async function principalOf(
  env: AppBindings["Bindings"],
  db: AppBindings["Variables"]["db"],
  header: string,
): Promise<Principal> {
  const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
  const refuse = () =>
    new ApiError("unauthorized", "the bearer token is not valid (expired, revoked or wrong)");
  if (!token) throw refuse();
  if (token.startsWith(API_TOKEN_PREFIX)) {
    const t = await useApiToken(db, await sha256Hex(token));
    if (!t || t.disabled) throw refuse();
    return {
      userId: t.userId,
      role: t.scope === "admin" && t.role === "admin" ? "admin" : "user",
      via: "api_token",
    };
  }
  if (token.split(".").length === 3) {
    const who = await accessTokenPrincipal(env, db, token);
    if (!who) throw refuse();
    return who;
  }
  if (env.ADMIN_TOKEN && (await sameSecret(token, env.ADMIN_TOKEN)))
    return { userId: null, role: "admin", via: "admin_token" };
  throw refuse();
}

/** Compares digests so the time taken does not reveal how much of the token matched. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256Hex(given), sha256Hex(expected)]);
  return constantTimeEqual(new TextEncoder().encode(a), new TextEncoder().encode(b));
}
