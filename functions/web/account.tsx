import { z } from "@hono/zod-openapi";
import { type Context, Hono } from "hono";
import {
  listNotifications,
  markNotificationsRead,
  removeFollow,
  setFollow,
  threadExists,
} from "../../db/queries/follows";
import {
  closeSession,
  csrfMatches,
  endSession,
  openSession,
  refreshSession,
  verifyLogin,
} from "../auth/login";
import { MAX_PASSWORD_LENGTH } from "../auth/password";
import type { AppBindings } from "../env";
import { ApiError } from "../lib/errors";
import { LoginPage } from "./pages/login";
import { NotificationsPage } from "./pages/notifications";
import { errorPage, htmlPage, pageContext } from "./render";
import { safeNext, signInFirst } from "./session";
import { REFRESH_URL, SIGN_OUT_URL } from "./urls";

/**
 * The account pages and forms: sign-in (`/login`), notifications, follow buttons, mark read, and the two
 * hops under the refresh cookie's path (refresh the page session, sign out). Every state-changing form
 * carries the CSRF token (`csrf` field equal to the `nexus_csrf` cookie, functions/auth/login.ts); every
 * `next` is a path of this site (safeNext). Signing in itself wants a same-site form (Origin / Sec-Fetch-Site).
 */

type C = Context<AppBindings>;
const NOTIFICATIONS_PER_PAGE = 50;

const loginForm = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});
const followForm = z.object({ level: z.enum(["watch", "mute", "none"]) });
const readForm = z.union([
  z.object({ id: z.coerce.number().int().positive() }),
  z.object({ upTo: z.coerce.number().int().positive() }),
]);
const threadIdParam = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 53);

async function formOf(c: C): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}

const refused = (c: C) =>
  errorPage(
    c,
    403,
    "Form refused",
    "This form did not come from a page of this site, or your session changed since the page was shown. Go back, reload the page and try again.",
  );

/** A POST from another site (a login CSRF): browsers say so in Sec-Fetch-Site and Origin. */
function crossSite(c: C): boolean {
  const origin = c.req.header("origin");
  return (
    c.req.header("sec-fetch-site") === "cross-site" || (!!origin && origin !== new URL(c.req.url).origin)
  );
}

function loginPage(c: C, next: string, email: string, status: number, problem?: string) {
  const ctx = pageContext(c, null);
  const res = htmlPage(c, ctx, <LoginPage ctx={ctx} next={next} email={email} problem={problem} />, status);
  res.headers.set("cache-control", "no-store");
  return res;
}

async function showLogin(c: C) {
  const next = safeNext(c.req.query("next"));
  if (c.var.account) return c.redirect(next, 303);
  return loginPage(c, next, "", 200);
}

async function signIn(c: C) {
  const form = await formOf(c);
  const next = safeNext(form.next);
  if (crossSite(c)) return refused(c);
  const parsed = loginForm.safeParse(form);
  const email = (form.email ?? "").slice(0, 320);
  if (!parsed.success) return loginPage(c, next, email, 400, "Enter your email address and password.");
  try {
    const user = await verifyLogin(c, parsed.data.email, parsed.data.password);
    await openSession(c, user);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    const problem =
      error.code === "unauthorized"
        ? "Wrong email or password."
        : error.code === "too_many_requests"
          ? "Too many sign-in attempts from this address. Wait a few minutes and try again."
          : "Signing in is not possible on this site right now.";
    return loginPage(c, next, email, error.status, problem);
  }
  return c.redirect(next, 303);
}

/** GET: the page session expired while the sign-in lives; a new one (or none), then back to `next`. */
async function refreshHop(c: C) {
  const next = safeNext(c.req.query("next"));
  try {
    await refreshSession(c);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    endSession(c);
  }
  c.header("cache-control", "no-store");
  return c.redirect(next, 303);
}

async function signOut(c: C) {
  const form = await formOf(c);
  if (!csrfMatches(c, form.csrf)) return refused(c);
  await closeSession(c);
  return c.redirect("/", 303);
}

/** The guard of every signed-in form: a user (else sign in first), the CSRF token (else a 403 page). */
async function signedInForm(
  c: C,
  act: (userId: number, form: Record<string, string>) => Promise<Response | undefined>,
) {
  const form = await formOf(c);
  const next = safeNext(form.next);
  const account = c.var.account;
  if (!account) return signInFirst(c, next);
  if (!csrfMatches(c, form.csrf)) return refused(c);
  return (await act(account.userId, form)) ?? c.redirect(next, 303);
}

const follow = (c: C) =>
  signedInForm(c, async (userId, form) => {
    const threadId = threadIdParam.safeParse(c.req.param("threadId"));
    const level = followForm.safeParse(form);
    if (!threadId.success || !level.success)
      return errorPage(c, 400, "Bad request", "A follow wants a thread and a level: watch, mute or none.");
    if (!(await threadExists(c.var.db, threadId.data)))
      return errorPage(c, 404, "No such thread", `No thread ${threadId.data} in this archive.`);
    if (level.data.level === "none") await removeFollow(c.var.db, userId, threadId.data);
    else await setFollow(c.var.db, userId, threadId.data, level.data.level);
    return undefined;
  });

const markRead = (c: C) =>
  signedInForm(c, async (userId, form) => {
    const which = readForm.safeParse(form.id ? { id: form.id } : { upTo: form.upTo });
    if (!which.success) return errorPage(c, 400, "Bad request", "Mark read wants a notification id.");
    await markNotificationsRead(
      c.var.db,
      userId,
      "id" in which.data ? { ids: [which.data.id] } : { upTo: which.data.upTo },
    );
    return undefined;
  });

async function notificationsPage(c: C) {
  const account = c.var.account;
  const url = new URL(c.req.url);
  if (!account) return signInFirst(c, `${url.pathname}${url.search}`);
  const o = z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000)
    .catch(0)
    .parse(c.req.query("o") ?? 0);
  const unreadOnly = c.req.query("unread") === "1";
  const { rows, total } = await listNotifications(c.var.db, account.userId, unreadOnly, {
    limit: NOTIFICATIONS_PER_PAGE,
    offset: o,
  });
  const ctx = pageContext(c, null);
  return htmlPage(
    c,
    ctx,
    <NotificationsPage
      ctx={ctx}
      rows={rows}
      total={total}
      offset={o}
      pageSize={NOTIFICATIONS_PER_PAGE}
      unreadOnly={unreadOnly}
    />,
  );
}

export const accountRouter = new Hono<AppBindings>()
  .get("/login", showLogin)
  .post("/login", signIn)
  .get("/notifications", notificationsPage)
  .post("/_/follow/:threadId", follow)
  .post("/_/notifications/read", markRead)
  .get(REFRESH_URL, refreshHop)
  .post(SIGN_OUT_URL, signOut);
