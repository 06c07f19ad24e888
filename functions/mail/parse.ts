import { type Address, parseAddressList } from "./address";
import { bytesToBinary } from "./bytes";
import { type SaneDate, saneDate } from "./date";
import { hash64 } from "./hash";
import { decodeHeader, type HeaderField, headerValue, headerValues, parseHeaderBlock } from "./headers";
import { extractMessageIds, normalizeMessageId } from "./message-id";
import { collectLeaves, htmlToText, isPatchName, type MimeLeaf } from "./mime";

export interface ParsedAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  /** decoded text of patch-like attachments (text/x-patch, *.patch, *.diff, text/x-diff) */
  text: string | null;
}

export interface ParsedMessage {
  messageId: string;
  /** true when the message had no usable Message-ID and one was derived from its bytes */
  messageIdSynthesized: boolean;
  from: Address | null;
  to: Address[];
  cc: Address[];
  /** decoded subject, whitespace collapsed */
  subject: string;
  date: SaneDate;
  /** first id of In-Reply-To */
  inReplyTo: string | null;
  /** References ids in order, cleaned (deduplicated, self-reference removed) */
  references: string[];
  /** the readable body: inline text parts in order (HTML stripped when there is no text part) */
  body: string;
  attachments: ParsedAttachment[];
  /** a part's declared charset was missing/unknown/contradicted by its bytes */
  charsetFallback: boolean;
}

export type ParseOutcome = { ok: true; message: ParsedMessage } | { ok: false; reason: string };

export interface ParseOptions {
  /** The source's own date (commit time, mbox From line, receipt time); used when Date is unusable. */
  sourceDate: Date;
}

const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const MAX_SUBJECT = 2000;

/** Parse one message from its original bytes. Never throws for bad input: it rejects with a reason. */
export function parseMessage(bytes: Uint8Array, options: ParseOptions): ParseOutcome {
  if (bytes.length === 0) return { ok: false, reason: "empty" };
  if (bytes.length > MAX_MESSAGE_BYTES) return { ok: false, reason: "too_large" };
  const s = bytesToBinary(bytes);
  const head = parseHeaderBlock(s);
  if (head.fields.length === 0) return { ok: false, reason: "no_headers" };
  if (!head.fields.some((f) => KNOWN_FIELDS.has(f.key))) return { ok: false, reason: "not_a_message" };

  const rawId = headerValue(head.fields, "message-id");
  let messageId = normalizeMessageId(rawId);
  let synthesized = false;
  if (rawId && !messageId && rawId.replace(/\s+/g, "").length > 995)
    return { ok: false, reason: "message_id_too_long" };
  if (!messageId) {
    messageId = `${hash64(bytes)}.${bytes.length}@nexus.synthesized`;
    synthesized = true;
  }
  const from = parseAddressList(headerValue(head.fields, "from"))[0] ?? null;
  const to = headerValues(head.fields, "to").flatMap((v) => parseAddressList(v));
  const cc = headerValues(head.fields, "cc").flatMap((v) => parseAddressList(v));
  const subject = decodeHeader(headerValue(head.fields, "subject") ?? "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_SUBJECT);
  const references = extractMessageIds(headerValues(head.fields, "references").join(" ")).filter(
    (id) => id !== messageId,
  );
  const inReplyTo =
    extractMessageIds(headerValue(head.fields, "in-reply-to")).find((id) => id !== messageId) ?? null;

  const leaves = collectLeaves(s, head.fields, head.bodyStart);
  const { body, attachments } = assembleBody(leaves);
  return {
    ok: true,
    message: {
      messageId,
      messageIdSynthesized: synthesized,
      from,
      to,
      cc,
      subject,
      date: saneDate(headerValue(head.fields, "date"), options.sourceDate),
      inReplyTo,
      references,
      body,
      attachments,
      charsetFallback: leaves.some((l) => l.charsetFallback),
    },
  };
}

const KNOWN_FIELDS = new Set([
  "from",
  "to",
  "cc",
  "subject",
  "date",
  "message-id",
  "references",
  "in-reply-to",
  "mime-version",
  "content-type",
  "received",
  "return-path",
  "sender",
  "reply-to",
  "delivered-to",
]);

function isPatchLeaf(l: MimeLeaf): boolean {
  return (
    l.contentType === "text/x-patch" ||
    l.contentType === "text/x-diff" ||
    l.contentType === "application/x-patch" ||
    isPatchName(l.filename)
  );
}

function assembleBody(leaves: MimeLeaf[]): { body: string; attachments: ParsedAttachment[] } {
  const texts: string[] = [];
  const attachments: ParsedAttachment[] = [];
  let html: string | null = null;
  for (const l of leaves) {
    const patch = isPatchLeaf(l);
    if (l.contentType === "text/plain" && l.disposition === "inline" && !patch) {
      texts.push(l.text ?? "");
    } else if (l.contentType === "text/html" && l.disposition === "inline") {
      html ??= l.text;
    } else {
      attachments.push({
        filename: l.filename,
        contentType: l.contentType,
        size: l.size,
        text: patch || (l.contentType === "text/plain" && l.text !== null) ? l.text : null,
      });
    }
  }
  let body = texts.join("\n");
  if (!body.trim() && html) body = htmlToText(html);
  return { body, attachments };
}

export type { HeaderField };
