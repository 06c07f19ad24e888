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

/** How originals are compressed and hashed. Defaults are web APIs (Workers); Node passes zlib/crypto (faster). */
export interface SourceCodec {
  gzip(bytes: Uint8Array): Promise<Uint8Array> | Uint8Array;
  sha256Hex(bytes: Uint8Array): Promise<string> | string;
}

export const webCodec: SourceCodec = { gzip: (b) => gzip(b), sha256Hex: (b) => sha256Hex(b) };

/** gzip with the web CompressionStream (Node 18+ and Workers). */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** gunzip with the web DecompressionStream, written and read directly (a Blob and a Response around it cost
 * about twice as much per message: the lore face inflates every message of a thread download). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new DecompressionStream("gzip");
  const writer = stream.writable.getWriter();
  writer.write(bytes).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, "0");
  return s;
}
