import { createMiddleware } from "hono/factory";
import { findUserById, useApiToken } from "../../db/queries/accounts";
import { constantTimeEqual } from "../auth/password";
import { API_TOKEN_PREFIX, sha256Hex, verifyAccessToken } from "../auth/tokens";
import type { AppBindings, Principal } from "../env";
import { ApiError } from "../lib/errors";

/**
 * Who is calling: `Authorization: Bearer` with an access token (JWT), a personal API token (nxp_…) or the
 * opt-in shared ADMIN_TOKEN. No header: anonymous (principal null). A token that is present but not valid
 * — expired, tampered, signed with another key, of a disabled user, ended by a token_version bump — is a
 * 401, never silently anonymous.
 */
export const principalMiddleware = createMiddleware<AppBindings>(async (c, next) => {
  const header = c.req.header("authorization");
  c.set("principal", header ? await principalOf(c.env, c.var.db, header) : null);
  await next();
});

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
    const secrets = [env.JWT_SECRET, env.JWT_SECRET_PREVIOUS].filter((s): s is string => !!s);
    const claims = secrets.length ? await verifyAccessToken(token, secrets) : null;
    if (!claims) throw refuse();
    const user = await findUserById(db, Number(claims.sub));
    if (!user || user.disabled || user.tokenVersion !== claims.tv) throw refuse();
    return { userId: user.id, role: user.role, via: "access_token" };
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
