import { decodeBinary } from "./charset";
import { decodeBase64Binary, type HeaderField, headerValue, parseHeaderBlock, parseParams } from "./headers";

/** A leaf of the MIME tree with its transfer encoding undone and its text decoded (text parts only). */
export interface MimeLeaf {
  contentType: string;
  charset: string | null;
  filename: string | null;
  disposition: "inline" | "attachment";
  /** decoded text for text/* parts; null for binary parts */
  text: string | null;
  /** decoded byte length */
  size: number;
  /** true when the declared charset was not used */
  charsetFallback: boolean;
}

const MAX_DEPTH = 16;
const MAX_PARTS = 256;

export interface MimeLimits {
  parts: number;
}

/** Walk the MIME tree of a message (binary string, body from `start`), collecting leaves in order. */
export function collectLeaves(s: string, fields: HeaderField[], start: number, end = s.length): MimeLeaf[] {
  const leaves: MimeLeaf[] = [];
  walk(s, fields, start, end, 0, leaves, "text/plain");
  return leaves;
}

function walk(
  s: string,
  fields: HeaderField[],
  start: number,
  end: number,
  depth: number,
  leaves: MimeLeaf[],
  defaultType: string,
): void {
  if (leaves.length >= MAX_PARTS) return;
  const ct = parseParams(headerValue(fields, "content-type") ?? defaultType);
  let type = ct.value.includes("/") ? ct.value : defaultType;
  if (!/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type)) type = "text/plain";
  if (type.startsWith("multipart/") && depth < MAX_DEPTH) {
    const boundary = ct.params["boundary"];
    if (boundary) {
      const parts = splitMultipart(s, start, end, boundary);
      if (parts) {
        const childDefault = type === "multipart/digest" ? "message/rfc822" : "text/plain";
        for (const [ps, pe] of parts) {
          const h = parseHeaderBlock(s, ps, pe);
          walk(s, h.fields, h.bodyStart, pe, depth + 1, leaves, childDefault);
        }
        return;
      }
    }
    type = "text/plain"; // a multipart without usable boundary: show it as text
  }
  const disp = parseParams(headerValue(fields, "content-disposition") ?? "");
  const filename = disp.params["filename"] ?? ct.params["name"] ?? null;
  const cte = (headerValue(fields, "content-transfer-encoding") ?? "").trim().toLowerCase();
  const raw = s.slice(start, end);
  const decoded =
    cte === "base64"
      ? decodeBase64Binary(raw)
      : cte === "quoted-printable"
        ? decodeQuotedPrintable(raw)
        : raw;
  const isText =
    type.startsWith("text/") ||
    type === "message/rfc822" ||
    type === "application/x-patch" ||
    isPatchName(filename);
  let text: string | null = null;
  let charsetFallback = false;
  if (isText) {
    const d = decodeBinary(decoded, ct.params["charset"] ?? null);
    text = d.text.replace(/\r\n?/g, "\n");
    charsetFallback = d.fallback && !!ct.params["charset"];
  }
  leaves.push({
    contentType: type,
    charset: ct.params["charset"] ?? null,
    filename,
    disposition:
      disp.value === "attachment" || (filename !== null && disp.value !== "inline") ? "attachment" : "inline",
    text,
    size: decoded.length,
    charsetFallback,
  });
}

export function isPatchName(filename: string | null): boolean {
  return !!filename && /\.(patch|diff)$/i.test(filename);
}

/** [start, end) of each body part between boundary lines; null when the boundary never appears. */
function splitMultipart(s: string, start: number, end: number, boundary: string): [number, number][] | null {
  const delim = `--${boundary}`;
  const parts: [number, number][] = [];
  let pos = start;
  let partStart = -1;
  let found = false;
  while (pos < end) {
    let idx = s.indexOf(delim, pos);
    if (idx < 0 || idx >= end) break;
    if (idx !== start && s[idx - 1] !== "\n") {
      pos = idx + delim.length;
      continue;
    }
    found = true;
    // the line break before the delimiter belongs to the delimiter
    let partEnd = idx;
    if (s[partEnd - 1] === "\n") partEnd--;
    if (s[partEnd - 1] === "\r") partEnd--;
    if (partStart >= 0) parts.push([partStart, Math.max(partStart, partEnd)]);
    const closing = s.startsWith("--", idx + delim.length);
    let nl = s.indexOf("\n", idx + delim.length);
    if (nl < 0 || nl >= end) nl = end - 1;
    if (closing) {
      partStart = -1;
      idx = nl;
      return parts;
    }
    partStart = nl + 1;
    pos = nl + 1;
  }
  if (!found) return null;
  if (partStart >= 0 && partStart < end) parts.push([partStart, end]); // missing closing delimiter
  return parts;
}

export function decodeQuotedPrintable(s: string): string {
  return s
    .replace(/[ \t]+(?=\r?\n)/g, "")
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

/** Strip tags from an HTML part so a message with no text/plain still has searchable text. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Math.min(Number(n), 0x10ffff)))
    .replace(/&amp;/g, "&")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
