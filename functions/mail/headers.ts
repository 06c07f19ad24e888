import { isAscii } from "./bytes";
import { decodeBinary, decoderFor } from "./charset";

/** One header field: name as written, value unfolded but not decoded (binary string). */
export interface HeaderField {
  name: string;
  /** lower-cased name */
  key: string;
  raw: string;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Offset (in the binary string) where the body starts. */
  bodyStart: number;
}

/**
 * Split a binary string at the first empty line (CRLF or LF) into header fields and the body offset.
 * Continuation lines are joined (the line break removed, leading whitespace kept as RFC 5322 unfolding
 * says). Lines that are neither a field nor a continuation (e.g. an mbox "From " line) are skipped.
 */
export function parseHeaderBlock(s: string, start = 0, end = s.length): HeaderBlock {
  const fields: HeaderField[] = [];
  let pos = start;
  let current: HeaderField | null = null;
  let bodyStart = end;
  while (pos < end) {
    let nl = s.indexOf("\n", pos);
    if (nl < 0 || nl >= end) nl = end;
    let line = s.slice(pos, nl);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const next = nl + 1;
    if (line === "") {
      bodyStart = Math.min(next, end);
      break;
    }
    const c = line.charCodeAt(0);
    if ((c === 0x20 || c === 0x09) && current) {
      current.raw += line;
    } else {
      const colon = line.indexOf(":");
      // A field name is printable ASCII without spaces (tolerate trailing whitespace before the colon).
      if (colon > 0 && /^[!-9;-~]+[ \t]*$/.test(line.slice(0, colon))) {
        const name = line.slice(0, colon).trimEnd();
        current = { name, key: name.toLowerCase(), raw: line.slice(colon + 1) };
        fields.push(current);
      } else if (fields.length === 0 && pos === start && line.startsWith("From ")) {
        current = null; // mbox separator line
      } else if (current && fields.length > 0) {
        // A broken continuation without leading whitespace: keep it with the previous field.
        current.raw += ` ${line}`;
      }
    }
    pos = next;
    if (nl === end) bodyStart = end;
  }
  for (const f of fields) f.raw = f.raw.trim();
  return { fields, bodyStart };
}

export function headerValue(fields: HeaderField[], key: string): string | undefined {
  for (const f of fields) if (f.key === key) return f.raw;
  return undefined;
}

export function headerValues(fields: HeaderField[], key: string): string[] {
  const out: string[] = [];
  for (const f of fields) if (f.key === key) out.push(f.raw);
  return out;
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

function decodeQWord(s: string): string {
  return s
    .replace(/_/g, " ")
    .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

export function decodeBase64Binary(s: string): string {
  const clean = s.replace(/[^A-Za-z0-9+/]/g, "");
  const usable = clean.length - (clean.length % 4 === 1 ? 1 : 0);
  let body = clean.slice(0, usable);
  while (body.length % 4) body += "=";
  try {
    return atob(body);
  } catch {
    return "";
  }
}

/**
 * Decode a header value: raw 8-bit (UTF-8 if valid, else windows-1252) and RFC 2047 encoded words,
 * including adjacent words of one multi-byte character split across words, whitespace between adjacent
 * encoded words dropped, and mislabelled charsets (the charset rules of decodeBytes apply to each run).
 */
export function decodeHeader(raw: string): string {
  const plain = isAscii(raw) ? raw : decodeBinary(raw).text;
  if (!plain.includes("=?")) return plain;
  let out = "";
  let last = 0;
  // Runs of adjacent words in the same charset are decoded together so split multi-byte chars survive.
  let pendingCharset: string | null = null;
  let pendingBytes = "";
  let pendingEnd = 0;
  const flush = () => {
    if (pendingCharset !== null) {
      out += decodeBinary(pendingBytes, pendingCharset.replace(/\*.*$/, "")).text;
      pendingCharset = null;
      pendingBytes = "";
    }
  };
  ENCODED_WORD.lastIndex = 0;
  for (let m = ENCODED_WORD.exec(plain); m; m = ENCODED_WORD.exec(plain)) {
    const between = plain.slice(last, m.index);
    const adjacent = pendingCharset !== null && /^\s*$/.test(between);
    const charset = m[1]!.toLowerCase();
    const bytes = m[2]!.toLowerCase() === "b" ? decodeBase64Binary(m[3]!) : decodeQWord(m[3]!);
    if (adjacent && pendingCharset === charset) {
      pendingBytes += bytes;
    } else {
      flush();
      if (!adjacent) out += between;
      pendingCharset = charset;
      pendingBytes = bytes;
    }
    last = m.index + m[0].length;
    pendingEnd = last;
  }
  flush();
  out += plain.slice(pendingEnd || last);
  return out;
}

/** Parse `type/subtype; a=b; c="d"` (with RFC 2231 continuations and charsets in parameters). */
export function parseParams(raw: string): { value: string; params: Record<string, string> } {
  const parts = splitParams(raw);
  const value = (parts.shift() ?? "").trim().toLowerCase();
  const params: Record<string, string> = {};
  const continued: Record<string, { idx: number; val: string; enc: boolean }[]> = {};
  for (const p of parts) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    let key = p.slice(0, eq).trim().toLowerCase();
    let val = p.slice(eq + 1).trim();
    if (val.startsWith('"'))
      val = val.slice(1, val.endsWith('"') && val.length > 1 ? -1 : undefined).replace(/\\(.)/g, "$1");
    const m = /^(.*?)\*(\d+)?(\*)?$/.exec(key);
    if (m && (m[2] !== undefined || m[3] !== undefined)) {
      key = m[1]!;
      const list = continued[key] ?? [];
      list.push({ idx: m[2] ? Number(m[2]) : 0, val, enc: m[3] !== undefined });
      continued[key] = list;
    } else if (!(key in params)) {
      params[key] = val;
    }
  }
  for (const [key, pieces] of Object.entries(continued)) {
    pieces.sort((a, b) => a.idx - b.idx);
    let charset = "";
    let bin = "";
    pieces.forEach((piece, i) => {
      let v = piece.val;
      if (piece.enc) {
        if (i === 0) {
          const m = /^([^']*)'[^']*'(.*)$/.exec(v);
          if (m) {
            charset = m[1]!;
            v = m[2]!;
          }
        }
        v = v.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
      }
      bin += v;
    });
    params[key] = decodeBinary(bin, charset && decoderFor(charset) ? charset : null).text;
  }
  for (const k of Object.keys(params)) params[k] = decodeHeader(params[k]!);
  return { value, params };
}

function splitParams(raw: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '"' && raw[i - 1] !== "\\") quoted = !quoted;
    if (c === ";" && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}
