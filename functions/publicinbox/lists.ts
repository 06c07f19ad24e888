import type { Context } from "hono";
import { listExists, newestMessages } from "../../db/queries/lore";
import type { AppBindings } from "../env";
import { atomFeed } from "./atom";
import { searchHelp } from "./help-text";
import { listPage } from "./html-stub";
import { ALL_LISTS } from "./paths";
import { LoreError, redirect, textResponse } from "./responses";
import { MBOX_RESULTS, searchAtom, searchMbox, wantsThreads } from "./search";

/** The list routes: `/:list/` (and its search forms), `/:list/new.atom`, `/:list/_/text/help/`. */

type C = Context<AppBindings>;

/** Entries of `new.atom` (public-inbox's count). */
const NEW_ATOM_ENTRIES = 25;

async function requireList(c: C, list: string): Promise<void> {
  if (list !== ALL_LISTS && !(await listExists(c.var.db, list))) throw new LoreError(404, `no list ${list}`);
}

export async function listIndex(c: C, list: string): Promise<Response> {
  const query = new URL(c.req.url).searchParams;
  const q = query.get("q");
  const x = query.get("x");
  if (c.req.method === "POST") {
    if (q === null || q.trim() === "") throw new LoreError(404, "Not Found: a download needs q=");
    if (x === "m") return searchMbox(c, list, q, wantsThreads(query, await c.req.text()));
  } else if (q !== null && q.trim() !== "" && x === "A") {
    return searchAtom(c, list, q);
  }
  await requireList(c, list);
  return listPage(list, q !== null && q.trim() !== "" ? q : null);
}

export async function listRedirect(c: C, list: string): Promise<Response> {
  await requireList(c, list);
  const url = new URL(c.req.url);
  return redirect(301, `${url.origin}/${list}/${url.search}`);
}

export async function listAtom(c: C, list: string): Promise<Response> {
  await requireList(c, list);
  const origin = new URL(c.req.url).origin;
  const messages = await newestMessages(c.var.db, list === ALL_LISTS ? null : list, NEW_ATOM_ENTRIES);
  return atomFeed(
    origin,
    {
      title: `${list} archive`,
      alternate: `${origin}/${list}/`,
      self: `${origin}/${list}/new.atom`,
      id: `${origin}/${list}/new.atom`,
    },
    messages,
  );
}

export async function help(c: C, list: string): Promise<Response> {
  await requireList(c, list);
  return textResponse(200, searchHelp(list, MBOX_RESULTS).trimEnd());
}
