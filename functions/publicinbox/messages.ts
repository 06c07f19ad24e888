import type { Context } from "hono";
import {
  listExists,
  listsHolding,
  messageOriginals,
  originalsOf,
  threadDownload,
  threadFeedMessages,
} from "../../db/queries/lore";
import type { AppBindings } from "../env";
import { asksFresh } from "../lib/cache-control";
import { gunzip } from "../lib/compression";
import { atomFeed, messageUrl } from "./atom";
import { cachedDownload, downloadKey, keepDownload, sameIds } from "./download-cache";
import { messagePage, threadPage } from "./html-stub";
import { gzippedMbox, mboxResponse, READ_BATCH } from "./mbox-download";
import { downloadName, mboxrdEntry, rawCharset } from "./mboxrd";
import { escapeMessageId } from "./message-id-path";
import { ALL_LISTS, type LoreRoute } from "./paths";
import { LoreError, redirect } from "./responses";

/** The message routes: `/:list/:mid/raw`, `t.mbox.gz`, `t.mbox`, `t.atom`, the pages, and the redirects. */

type C = Context<AppBindings>;
type MessageRoute = Extract<LoreRoute, { kind: "message" }>;

/** `all` is every list; a slug is that list. */
const scope = (list: string) => (list === ALL_LISTS ? null : list);

async function notFound(c: C, list: string, messageId: string): Promise<never> {
  if (list !== ALL_LISTS && !(await listExists(c.var.db, list))) throw new LoreError(404, `no list ${list}`);
  throw new LoreError(404, `Message-ID <${messageId}> not found`);
}

async function raw(c: C, list: string, messageId: string): Promise<Response> {
  const originals = await messageOriginals(c.var.db, scope(list), messageId);
  if (originals.length === 0) return notFound(c, list, messageId);
  const messages = originals.map((o) => gunzip(o.raw));
  return new Response(Buffer.concat(messages.map(mboxrdEntry)), {
    headers: {
      "content-type": `text/plain; charset=${rawCharset(messages[0]!)}`,
      "content-disposition": `inline; filename=${downloadName(originals[0]!.subject, { dropReply: true })}.txt`,
    },
  });
}

/**
 * A thread's download, from the isolate's cache when the thread still has the members it was made from
 * (download-cache.ts): then only the member ids are read. `Cache-Control: no-cache` skips the cache.
 */
async function threadMbox(c: C, list: string, messageId: string): Promise<Response> {
  const key = downloadKey(list, messageId);
  const cached = asksFresh(c) ? undefined : cachedDownload(key);
  const { emailIds, first } = await threadDownload(c.var.db, scope(list), messageId, cached ? 0 : READ_BATCH);
  if (emailIds.length === 0) return notFound(c, list, messageId);
  if (cached && sameIds(cached.emailIds, emailIds)) {
    return mboxResponse(cached.body, cached.filename);
  }
  return gzippedMbox(emailIds, {
    first: cached ? undefined : first,
    load: (batch) => originalsOf(c.var.db, batch),
    // public-inbox names the file after the thread's first message, "Re: " and all
    name: (first) => downloadName(`x${first.subject}`).replace(/^x-?/, "") || "no-subject",
    hold: c.var.holdDatabase,
    keep: (chunks, filename) => keepDownload(key, { emailIds, filename, chunks }),
  });
}

async function threadAtom(c: C, list: string, messageId: string): Promise<Response> {
  const messages = await threadFeedMessages(c.var.db, scope(list), messageId);
  if (messages.length === 0) return notFound(c, list, messageId);
  const origin = new URL(c.req.url).origin;
  const self = `${messageUrl(origin, list, messageId)}t.atom`;
  return atomFeed(
    origin,
    { title: messages[0]!.subject, alternate: `${messageUrl(origin, list, messageId)}t/`, self, id: self },
    messages,
  );
}

/** `/all/:mid/` and `/:mid/`: 302 to the message in the (first) list that holds it. */
export async function findMessage(c: C, messageId: string, suffix = ""): Promise<Response> {
  const [list] = await listsHolding(c.var.db, messageId);
  if (!list) throw new LoreError(404, `Message-ID <${messageId}> not found`);
  return redirect(302, `${messageUrl(new URL(c.req.url).origin, list, messageId)}${suffix}`);
}

export async function serveMessage(c: C, route: MessageRoute): Promise<Response> {
  const { list, messageId } = route;
  switch (route.view) {
    case "raw":
      return raw(c, list, messageId);
    case "thread-mbox-gz":
    case "thread-mbox":
      return threadMbox(c, list, messageId);
    case "thread-atom":
      return threadAtom(c, list, messageId);
    case "page":
      if (list === ALL_LISTS) return findMessage(c, messageId);
      return messagePage(list, messageId);
    case "thread-flat":
    case "thread-nested":
      if (list === ALL_LISTS) return findMessage(c, messageId, route.view === "thread-flat" ? "T/" : "t/");
      return threadPage(list, messageId, route.view === "thread-flat");
  }
}

/** `/:list/:mid` (and `…/T`, `…/t`) without the slash: 301 to the slashed form, as public-inbox does. */
export function slashRedirect(c: C, list: string, messageId: string, suffix: string): Response {
  const url = new URL(c.req.url);
  return redirect(301, `${url.origin}/${list}/${escapeMessageId(messageId)}/${suffix}${url.search}`);
}
