import { escapeMessageId } from "./message-id-path";

/**
 * Placeholder HTML for the lore URLs whose pages come with the web face (issue 12): each answers 200 with a
 * minimal page linking the raw, mbox and Atom forms, so copied lore links and b4's redirects resolve. One
 * function per page; the web face replaces them.
 */

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function page(title: string, links: [string, string][]): Response {
  const items = links.map(([href, text]) => `<li><a href="${escapeHtml(href)}">${escapeHtml(text)}</a></li>`);
  const html = `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><ul>${items.join("")}</ul></body></html>\n`;
  return new Response(html, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": "default-src 'none'",
    },
  });
}

/** `/:list/` (also with `?q=`: the search's Atom form, and the mbox download by POST). */
export function listPage(list: string, query: string | null): Response {
  const links: [string, string][] = [
    [`/${list}/new.atom`, "Atom feed of new messages"],
    [`/${list}/_/text/help/`, "search help"],
  ];
  if (query !== null)
    links.unshift([`/${list}/?q=${encodeURIComponent(query)}&x=A`, `Atom feed of "${query}"`]);
  return page(query === null ? `${list} archive` : `${list}: search "${query}"`, links);
}

/** `/:list/:mid/`. */
export function messagePage(list: string, messageId: string): Response {
  const base = `/${list}/${escapeMessageId(messageId)}`;
  return page(`<${messageId}>`, [
    [`${base}/raw`, "raw message"],
    [`${base}/t.mbox.gz`, "thread as mbox.gz"],
    [`${base}/t.atom`, "thread as Atom feed"],
    [`${base}/T/`, "flat thread"],
    [`${base}/t/`, "nested thread"],
  ]);
}

/** `/:list/:mid/T/` (flat) and `/:list/:mid/t/` (nested). */
export function threadPage(list: string, messageId: string, flat: boolean): Response {
  const base = `/${list}/${escapeMessageId(messageId)}`;
  return page(`${flat ? "flat" : "nested"} thread of <${messageId}>`, [
    [`${base}/`, "the message"],
    [`${base}/t.mbox.gz`, "thread as mbox.gz"],
    [`${base}/t.atom`, "thread as Atom feed"],
  ]);
}
