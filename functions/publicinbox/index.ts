import { Hono } from "hono";
import type { AppBindings } from "../env";
import { help, listAtom, listIndex, listRedirect } from "./lists";
import { findMessage, serveMessage, slashRedirect } from "./messages";
import { type LoreRoute, parseLorePath } from "./paths";
import { LoreError, textResponse } from "./responses";

/**
 * The public-inbox face: lore.kernel.org's URL layout (paths.ts) answered from the archive, so b4, lei,
 * git am and copied lore links work with another host. Mounted after /api and /admin (which keep their paths)
 * and behind the database and readiness middleware (503 while migrations are pending, like every route).
 * Errors are short text/plain 4xx; a database failure still reaches the app's error handler (503/500).
 */

function dispatch(c: Parameters<typeof listIndex>[0], route: LoreRoute): Promise<Response> | Response {
  switch (route.kind) {
    case "list-index":
      return listIndex(c, route.list);
    case "list-redirect":
      return listRedirect(c, route.list);
    case "list-atom":
      return listAtom(c, route.list);
    case "help":
      return help(c, route.list);
    case "message":
      return serveMessage(c, route);
    case "message-redirect":
      return slashRedirect(c, route.list, route.messageId, route.suffix);
    case "find-message":
      return findMessage(c, route.messageId);
    case "bad-message-id":
      throw new LoreError(400, "Bad Message-ID in the path");
    case "unknown":
      throw new LoreError(404, "Not Found");
  }
}

/** POST is a search download (`/:list/?q=…&x=m`); everything else is read with GET (HEAD). */
function allowed(route: LoreRoute): string {
  return route.kind === "list-index" ? "GET, HEAD, POST" : "GET, HEAD";
}

export const loreRouter = new Hono<AppBindings>().all("*", async (c) => {
  const route = parseLorePath(new URL(c.req.url).pathname);
  if (!route) return c.notFound();
  try {
    const allow = allowed(route);
    if (!allow.split(", ").includes(c.req.method)) {
      throw new LoreError(405, `Method Not Allowed: ${c.req.method}`, { allow });
    }
    return await dispatch(c, route);
  } catch (error) {
    if (error instanceof LoreError) return textResponse(error.status, error.message, error.headers);
    throw error;
  }
});
