import { createMiddleware } from "hono/factory";
import type { AppBindings } from "../env";
import { ApiError } from "../lib/errors";

/** Until accounts exist, the admin API needs `Authorization: Bearer <ADMIN_TOKEN>`. */
export const adminAuthMiddleware = createMiddleware<AppBindings>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) throw new ApiError("forbidden", "the admin API is disabled: set the ADMIN_TOKEN secret");
  const header = c.req.header("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7) : "";
  if (!token || !(await sameSecret(token, expected))) {
    throw new ApiError("unauthorized", "missing or wrong bearer token for the admin API");
  }
  await next();
});

/** Compares digests so the time taken does not reveal how much of the token matched. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(given)),
    crypto.subtle.digest("SHA-256", enc.encode(expected)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
