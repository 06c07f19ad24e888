import type { Context } from "hono";
import { feedMessagesOf, listExists, originalsOf, threadsOfEmails } from "../../db/queries/lore";
import { matchingEmailIds } from "../../db/queries/search";
import type { AppBindings } from "../env";
import { parseQuery, QuerySyntaxError } from "../search/query-parser";
import { compileQuery } from "../search/query-sql";
import { atomFeed } from "./atom";
import { gzippedMbox } from "./mbox-download";
import { downloadName } from "./mboxrd";
import { ALL_LISTS } from "./paths";
import { LoreError } from "./responses";

/**
 * lore's search forms, on the one query language (functions/search/query-parser.ts): `?q=…&x=A` (Atom of the
 * newest matches) and `POST ?q=…&x=m` (gzipped mboxrd of every match, newest first; `t=1` adds each match's
 * whole thread), the request lei and b4 send.
 */

type C = Context<AppBindings>;

/** Entries of a search's Atom feed (public-inbox's default page size). */
export const ATOM_RESULTS = 200;
/** Messages of one mbox download at most. */
export const MBOX_RESULTS = 10_000;

function compile(q: string) {
  try {
    return compileQuery(parseQuery(q));
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      throw new LoreError(400, `Bad query: ${error.message} (at position ${error.position})`);
    }
    throw error;
  }
}

async function hits(c: C, list: string, q: string, order: "archive" | "date", limit: number) {
  const query = compile(q);
  const slug = list === ALL_LISTS ? undefined : list;
  const ids = await matchingEmailIds(c.var.db, query.where, { listSlug: slug }, order, limit);
  if (ids.length === 0 && slug !== undefined && !(await listExists(c.var.db, slug))) {
    throw new LoreError(404, `no list ${slug}`);
  }
  return ids;
}

export async function searchAtom(c: C, list: string, q: string): Promise<Response> {
  const ids = await hits(c, list, q, "date", ATOM_RESULTS);
  const url = new URL(c.req.url);
  const self = `${url.origin}/${list}/?q=${encodeURIComponent(q)}&x=A`;
  const messages = await feedMessagesOf(c.var.db, ids);
  return atomFeed(
    url.origin,
    {
      title: `${q} - search results`,
      alternate: `${url.origin}/${list}/?q=${encodeURIComponent(q)}`,
      self,
      id: self,
    },
    messages,
  );
}

/** `t=1` in the query string or in the form body, or public-inbox's own `x=<not 0>` body. */
export function wantsThreads(query: URLSearchParams, body: string): boolean {
  const form = new URLSearchParams(body);
  const t = query.get("t") ?? form.get("t");
  return (t !== null && t !== "0") || /^x=[^0]/.test(body);
}

export async function searchMbox(c: C, list: string, q: string, threads: boolean): Promise<Response> {
  let ids = await hits(c, list, q, "archive", MBOX_RESULTS);
  if (ids.length === 0) throw new LoreError(404, "No results found");
  if (threads) ids = (await threadsOfEmails(c.var.db, ids)).slice(0, MBOX_RESULTS);
  return gzippedMbox(ids, {
    load: (batch) => originalsOf(c.var.db, batch),
    name: () => downloadName(`results-${q}`),
    hold: c.var.holdDatabase,
  });
}
