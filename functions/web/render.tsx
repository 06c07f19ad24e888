import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppBindings } from "../env";
import type { PageContext } from "./layout";
import { ErrorPage } from "./pages/error";

/** How a page leaves: HTML with a strict CSP (scripts by this response's nonce only, no inline style). */

export function csp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A browser asking for a page: its Accept names text/html. Anything else is left to the API and lore faces. */
export function wantsHtml(c: Context): boolean {
  return /\btext\/html\b/i.test(c.req.header("accept") ?? "");
}

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
}

export function pageContext(c: Context<AppBindings>, list: PageContext["list"], q?: string): PageContext {
  const url = new URL(c.req.url);
  return { nonce: newNonce(), list, q, account: c.var.account ?? null, path: `${url.pathname}${url.search}` };
}

export function htmlPage(c: Context<AppBindings>, ctx: PageContext, element: Child, status = 200): Response {
  return c.html(`<!DOCTYPE html>${String(element)}`, status as 200, {
    "content-security-policy": csp(ctx.nonce),
    // a signed-in user's page (their menu, their CSRF token) is theirs alone
    ...(ctx.account ? { "cache-control": "private, no-store" } : {}),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    vary: "Accept",
  });
}

/** An error as a page, with a search box (the list's when the page had one). */
export function errorPage(
  c: Context<AppBindings>,
  status: number,
  title: string,
  message: string,
  list: PageContext["list"] = null,
): Response {
  const page = pageContext(c, list);
  // an error page carries no cookie value: the menu without its sign-out form
  const ctx = { ...page, account: page.account && { ...page.account, csrf: "" } };
  return htmlPage(c, ctx, <ErrorPage ctx={ctx} status={status} title={title} message={message} />, status);
}
