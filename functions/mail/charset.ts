import { binaryToBytes, isAscii } from "./bytes";

/**
 * Decoding text whose charset may be declared, wrong, or missing — the norm on old lists.
 *
 * Rule (documented in functions/mail/README.md):
 * 1. Pure ASCII decodes as itself whatever the label says.
 * 2. Bytes that are valid UTF-8 decode as UTF-8 when the label is missing, unknown, us-ascii, or a
 *    single-byte Western charset (iso-8859-*, windows-125x): a multi-byte UTF-8 sequence is almost never
 *    real latin1 text, while mail labelled latin1 but written in UTF-8 is common.
 * 3. Otherwise a label the runtime's TextDecoder knows is used (non-fatal: bad bytes become U+FFFD).
 * 4. Otherwise (no label, unknown label, or invalid UTF-8 labelled UTF-8): windows-1252, which maps every
 *    byte to some character, so nothing is lost silently.
 */

const decoders = new Map<string, TextDecoder | null>();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const cp1252 = new TextDecoder("windows-1252");

/** A TextDecoder for a charset label, or null when the runtime does not know it. */
export function decoderFor(label: string): TextDecoder | null {
  const key = label.trim().toLowerCase();
  let d = decoders.get(key);
  if (d !== undefined) return d;
  d = null;
  for (const candidate of labelCandidates(key)) {
    try {
      d = new TextDecoder(candidate);
      break;
    } catch {
      // unknown label: try the next spelling
    }
  }
  decoders.set(key, d);
  return d;
}

/** Common misspellings seen in mail: iso8859-1, iso_8859-1, latin-1, "utf8", cp1252 … */
function labelCandidates(key: string): string[] {
  const out = [key];
  const m = /^iso[-_ ]?8859[-_ ]?(\d+)/.exec(key);
  if (m) out.push(`iso-8859-${m[1]}`);
  if (/^cp-?125\d$/.test(key)) out.push(`windows-${key.replace(/\D/g, "")}`);
  if (key === "latin-1") out.push("latin1");
  if (key === "utf8" || key === "utf-8-sig") out.push("utf-8");
  if (key === "ks_c_5601-1987") out.push("euc-kr");
  return out;
}

function isWesternSingleByte(encoding: string): boolean {
  return encoding.startsWith("iso-8859-") || encoding.startsWith("windows-125") || encoding === "us-ascii";
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export interface DecodedText {
  text: string;
  /** The charset actually used. */
  charset: string;
  /** True when the declared label was not used (missing, unknown, or contradicted by the bytes). */
  fallback: boolean;
}

export function decodeBytes(bytes: Uint8Array, label?: string | null): DecodedText {
  const declared = label?.trim().toLowerCase() || "";
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    // ASCII-compatible labels decode ASCII as itself; UTF-7 and UTF-16 are not handled as ASCII.
    const d = declared ? decoderFor(declared) : null;
    if (!d || !/^utf-16|^utf-7|^iso-2022|^hz-/.test(d.encoding)) {
      return { text: asciiText(bytes), charset: declared || "us-ascii", fallback: !!declared && !d };
    }
  }
  const d = declared ? decoderFor(declared) : null;
  const utf8Label = d?.encoding === "utf-8";
  if (!d || utf8Label || isWesternSingleByte(d.encoding) || declared === "us-ascii") {
    if (isValidUtf8(bytes)) return { text: strictUtf8.decode(bytes), charset: "utf-8", fallback: !utf8Label };
    if (d && !utf8Label && d.encoding !== "us-ascii" && declared !== "us-ascii")
      return { text: d.decode(bytes), charset: d.encoding, fallback: false };
    return { text: cp1252.decode(bytes), charset: "windows-1252", fallback: true };
  }
  return { text: d.decode(bytes), charset: d.encoding, fallback: false };
}

function asciiText(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return out;
}

/** Decode a binary string (one char per byte) in a charset, with the fallbacks above. */
export function decodeBinary(binary: string, label?: string | null): DecodedText {
  if (isAscii(binary) && !label) return { text: binary, charset: "us-ascii", fallback: false };
  return decodeBytes(binaryToBytes(binary), label);
}
