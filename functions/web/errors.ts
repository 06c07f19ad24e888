import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import type { AppBindings } from "../env";
import { handleError, handleNotFound } from "../lib/error-handler";
import { errorPage, wantsHtml } from "./render";

/**
 * Errors for a browser are pages. The JSON handlers decide status and message (one mapping of errors); a
 * request for a page (Accept: text/html, outside /api and /admin) gets that answer as an error page instead.
 */

const TITLES: Record<number, string> = {
  400: "Bad request",
  404: "Not found",
  413: "Too large",
  503: "Archive unavailable",
  504: "Took too long",
};

function wantsPage(c: Context<AppBindings>): boolean {
  const path = new URL(c.req.url).pathname;
  return wantsHtml(c) && !/^\/(api|admin)(\/|$)/.test(path);
}

async function asPage(c: Context<AppBindings>, json: Response): Promise<Response> {
  const body = (await json.json()) as { error?: { code?: string; message?: string } };
  const status = json.status;
  const title = TITLES[status] ?? (status >= 500 ? "Something went wrong" : "Request refused");
  const message =
    status === 500 ? "An internal error occurred; it has been logged." : (body.error?.message ?? title);
  const res = errorPage(c, status, title, message);
  if (json.headers.get("retry-after")) res.headers.set("retry-after", json.headers.get("retry-after")!);
  return res;
}

export const handleErrorWithPages: ErrorHandler<AppBindings> = async (err, c) => {
  const json = await handleError(err, c);
  return wantsPage(c) ? asPage(c, json) : json;
};

export const handleNotFoundWithPages: NotFoundHandler<AppBindings> = async (c) => {
  const json = await handleNotFound(c);
  return wantsPage(c) ? asPage(c, json) : json;
};
