import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { findUserById } from "../../db/queries/accounts";
import { unreadNotificationCount } from "../../db/queries/follows";
import { CSRF_COOKIE } from "../auth/login";
import type { AppBindings } from "../env";
import { wantsHtml } from "./render";
import { REFRESH_URL, signInUrl } from "./urls";

/**
 * The page session (README "Accounts"): the session cookie makes c.var.principal (principal middleware);
 * here a signed-in page request gets c.var.account (the user menu, the forms' CSRF token), and a page request
 * whose session cookie has expired while the sign-in lives (the CSRF cookie is still there) goes once through
 * REFRESH_URL, which alone receives the refresh cookie, and comes back with a new session or none.
 */

export const pageSessionMiddleware = createMiddleware<AppBindings>(async (c, next) => {
  const who = c.var.principal;
  if (who?.via === "session" && who.userId !== null) {
    const user = await findUserById(c.var.db, who.userId);
    if (user)
      c.set("account", {
        userId: user.id,
        email: user.email,
        displayName: user.displayName,
        unread: await unreadNotificationCount(c.var.db, user.id),
        csrf: getCookie(c, CSRF_COOKIE) ?? "",
      });
  } else if (!who && c.req.method === "GET" && wantsHtml(c) && getCookie(c, CSRF_COOKIE)) {
    const url = new URL(c.req.url);
    if (!/^\/(api|admin)(\/|$)/.test(url.pathname)) return refreshThenBack(c, `${url.pathname}${url.search}`);
  }
  await next();
});

const refreshThenBack = (c: Context<AppBindings>, next: string) =>
  c.redirect(`${REFRESH_URL}?next=${encodeURIComponent(next)}`, 303);

/**
 * Where a `next` parameter may lead: a path of this site, else "/". Absolute and scheme-relative URLs
 * (`//evil`, `/\evil`), control characters and anything that resolves to another origin are refused.
 */
export function safeNext(next: string | undefined | null): string {
  if (!next || next.length > 2000 || !next.startsWith("/") || /[\u0000-\u001f\\]/.test(next)) return "/";
  const base = "http://nexus.invalid";
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return "/";
  }
  if (url.origin !== base || next.startsWith("//")) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}

/** An anonymous request to a page that wants a user: the sign-in form, then back to `next`. */
export function signInFirst(c: Context<AppBindings>, next: string): Response {
  return c.redirect(signInUrl(safeNext(next)), 303);
}
