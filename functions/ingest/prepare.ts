import { addressKey } from "../mail/address";
import { referenceChain } from "../mail/message-id";
import { type ParsedMessage, parseMessage } from "../mail/parse";
import { detectPatch, type PatchInfo } from "../mail/patch";
import { normalizeSubject, parseSubjectTags, type SubjectTags } from "../mail/subject";

/** One message to import, as its source gives it. */
export interface IngestItem {
  bytes: Uint8Array;
  /** the source's own date (commit time, mbox From line); now when unknown */
  sourceDate?: Date | null;
  /** public-inbox commit and epoch */
  commit?: string | null;
  epoch?: number | null;
}

export interface PreparedMessage {
  item: IngestItem;
  parsed: ParsedMessage;
  authorKey: string;
  normalizedSubject: string;
  tags: SubjectTags;
  chain: string[];
  patch: PatchInfo;
}

/** Author key for a message without a usable From. */
export const UNKNOWN_AUTHOR = "unknown@unknown.invalid";

/** Postgres text cannot hold NUL. */
export function pgText(s: string): string {
  return s.includes("\u0000") ? s.replace(/\u0000/g, "") : s;
}

export function prepareMessage(
  item: IngestItem,
  now: Date,
): { ok: true; message: PreparedMessage } | { ok: false; reason: string } {
  const r = parseMessage(item.bytes, { sourceDate: item.sourceDate ?? now });
  if (!r.ok) return r;
  const m = r.message;
  return {
    ok: true,
    message: {
      item,
      parsed: m,
      authorKey: (m.from && pgText(addressKey(m.from.address))) || UNKNOWN_AUTHOR,
      // NUL-free: series titles and threading keys are written from it
      normalizedSubject: pgText(normalizeSubject(m.subject)),
      tags: parseSubjectTags(m.subject),
      chain: referenceChain(m.messageId, m.references, m.inReplyTo ? [m.inReplyTo] : []),
      patch: detectPatch(m.body, m.attachments),
    },
  };
}
