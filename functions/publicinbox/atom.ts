import type { FeedMessage } from "../../db/queries/lore";
import { Sha1 } from "../mail/sha1";
import { escapeMessageId } from "./message-id-path";

/**
 * Atom 1.0 feeds of messages, shaped like public-inbox's (PublicInbox::WwwAtomStream): one entry per message
 * with its author, subject, date, a `rel="alternate"` link to the message page, an id derived from the
 * Message-ID (urn:uuid, as public-inbox derives it), `thr:in-reply-to` for replies, and the body as preformatted
 * XHTML. Everything from mail is escaped, and characters XML 1.0 forbids are dropped.
 */

/** Characters XML 1.0 allows (Char production); everything else (C0 controls, lone surrogates, U+FFFE/F) goes. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(s: string): string {
  return s
    .replace(NOT_XML_CHAR, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const utf8 = new TextEncoder();

/** public-inbox's entry id: the SHA-1 of the Message-ID, written as a UUID. */
export function messageUrn(messageId: string): string {
  const h = [...new Sha1().update(utf8.encode(messageId)).digest()]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The page of a message: `<origin>/<list>/<escaped Message-ID>/`. */
export function messageUrl(origin: string, list: string, messageId: string): string {
  return `${origin}/${list}/${escapeMessageId(messageId)}/`;
}

export interface FeedHead {
  title: string;
  /** the HTML page the feed is about */
  alternate: string;
  /** the feed's own URL */
  self: string;
  id: string;
}

function entry(origin: string, m: FeedMessage): string {
  const link = messageUrl(origin, m.list, m.messageId);
  const reply = m.inReplyTo
    ? `<thr:in-reply-to ref="${messageUrn(m.inReplyTo)}" href="${xmlText(messageUrl(origin, m.list, m.inReplyTo))}"/>`
    : "";
  return (
    `<entry><author><name>${xmlText(m.authorName ?? m.authorEmail)}</name><email>${xmlText(m.authorEmail)}</email></author>` +
    `<title>${xmlText(m.subject)}</title><updated>${m.date.replace(/\.\d{3}Z$/, "Z")}</updated>` +
    `<link rel="alternate" type="text/html" href="${xmlText(link)}"/><id>${messageUrn(m.messageId)}</id>${reply}` +
    `<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><pre style="white-space:pre-wrap">${xmlText(m.body)}</pre></div></content></entry>`
  );
}

/** The whole feed; `updated` is the newest entry's date (or the Unix epoch for an empty feed). */
export function atomFeed(origin: string, head: FeedHead, messages: FeedMessage[]): Response {
  const newest = messages.reduce((d, m) => (m.date > d ? m.date : d), "1970-01-01T00:00:00.000Z");
  const xml =
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">` +
    `<title>${xmlText(head.title)}</title><link rel="alternate" type="text/html" href="${xmlText(head.alternate)}"/>` +
    `<link rel="self" href="${xmlText(head.self)}"/><id>${xmlText(head.id)}</id>` +
    `<updated>${newest.replace(/\.\d{3}Z$/, "Z")}</updated>${messages.map((m) => entry(origin, m)).join("")}</feed>\n`;
  return new Response(xml, { headers: { "content-type": "application/atom+xml; charset=utf-8" } });
}
