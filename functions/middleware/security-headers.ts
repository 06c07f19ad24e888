import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppBindings } from "../env";

/**
 * Headers every response carries. Pages set their own Content-Security-Policy (with nonces); everything
 * else — JSON, text, mbox — gets the strictest one, since none of it is meant to run or load anything.
 */
export const securityHeadersMiddleware = createMiddleware<AppBindings>(async (c, next) => {
  await next();
  const h = c.res.headers;
  h.set("x-content-type-options", "nosniff");
  h.set("referrer-policy", "strict-origin-when-cross-origin");
  h.set("x-frame-options", "DENY");
  h.set("cross-origin-opener-policy", "same-origin");
  h.set("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  if (new URL(c.req.url).protocol === "https:")
    h.set("strict-transport-security", "max-age=31536000; includeSubDomains");
  if (!h.has("content-security-policy"))
    h.set("content-security-policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
});

/**
 * Cross-origin calls only from the origins listed in CORS_ORIGINS (comma-separated, exact); none by default.
 * Credentials (the refresh cookie) are allowed for those, so a listed front end may sign in.
 */
export const corsMiddleware = createMiddleware<AppBindings>(async (c, next) => {
  const allowed = (c.env.CORS_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  if (allowed.length === 0) return next();
  return cors({
    origin: (origin) => (allowed.includes(origin) ? origin : null),
    credentials: true,
    allowHeaders: ["authorization", "content-type", "x-csrf-token"],
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    maxAge: 600,
  })(c, next);
});
