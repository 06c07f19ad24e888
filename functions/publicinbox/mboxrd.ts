import { binaryToBytes, bytesToBinary } from "../mail/bytes";

/**
 * One message as public-inbox serves it in `/raw` and in every mbox download (PublicInbox::Mbox msg_hdr and
 * msg_body, over PublicInbox::Eml's split of header and body), byte for byte:
 *   "From mboxrd@z Thu Jan  1 00:00:00 1970" EOL, the header without Lines/Bytes/Content-Length/Status (and
 *   without a stray leading "From " line), EOL, the body with every `>*From ` line start quoted by one more
 *   `>` (mboxrd), then "\n". EOL is the message's own line ending (CRLF mail stays CRLF).
 * Works on binary strings (one char per byte): mail is bytes, not text.
 */

export const MBOXRD_FROM_LINE = "From mboxrd@z Thu Jan  1 00:00:00 1970";

/** PublicInbox::Eml's $header_size_limit (postfix's). */
const HEADER_SIZE_LIMIT = 102_400;

/** Headers public-inbox drops from every mbox entry. */
const DROPPED = ["Lines", "Bytes", "Content-Length", "Status"].map(
  // Eml::re_memo: the field and its continuation lines (a line with a blank before any colon)
  (name) => new RegExp(`(?<![^\\n])${name}:[ \\t]*[^\\n]*\\r?\\n(?:[^:\\n]*?[ \\t]+[^\\n]*\\r?\\n)*`, "gi"),
);

/** Whether any of them is there at all (most mail has none: skip the four scans). */
const ANY_DROPPED = /(?:^|\n)(?:Lines|Bytes|Content-Length|Status):/i;

interface Split {
  header: string;
  eol: string;
  body: string | null;
}

function truncateHeader(header: string): string {
  if (header.length <= HEADER_SIZE_LIMIT) return header;
  const cut = header.slice(0, HEADER_SIZE_LIMIT);
  const end = cut.lastIndexOf("\n");
  return end >= 0 ? cut.slice(0, end + 1) : "";
}

/** PublicInbox::Eml->new: where the header ends, and the line ending it uses. */
function splitMessage(s: string): Split {
  if (!s.includes("\r\n")) {
    const pos = s.indexOf("\n\n");
    if (pos >= 0) return { header: truncateHeader(s.slice(0, pos + 1)), eol: "\n", body: s.slice(pos + 2) };
  }
  const blank = /\r?\n(\r?\n)/.exec(s);
  if (blank) {
    const end = blank.index + blank[0].length;
    return {
      header: truncateHeader(s.slice(0, end - blank[1]!.length)),
      eol: blank[1]!,
      body: s.slice(end),
    };
  }
  const lastEol = /(\r?\n)$/.exec(s);
  if (/(?<![^\n])[a-z0-9-]+[ \t]*:/i.test(s) && lastEol) {
    return { header: truncateHeader(s.slice(0, HEADER_SIZE_LIMIT + 1)), eol: lastEol[1]!, body: null };
  }
  return { header: "", eol: /\r?\n/.exec(s)?.[0] ?? "\n", body: s };
}

/**
 * Byte positions read from a one-char-per-byte decoding: windows-1252 (what WHATWG calls latin1) maps every
 * byte to one UTF-16 unit and leaves ASCII alone, and only ASCII is looked for. Native, unlike bytesToBinary.
 */
const positions = new TextDecoder("latin1");
const encodeAscii = new TextEncoder();
const GT = new Uint8Array([0x3e]);

/** Where the body's `>*From ` line starts are (each gets one more ">"), found by indexOf (a regex with a
 * lookbehind tried every position: 20 ms on a 1.2 MB thread). */
function* quotePoints(text: string, bodyStart: number): Generator<number> {
  for (let i = text.indexOf("From ", bodyStart); i >= 0; i = text.indexOf("From ", i + 5)) {
    let start = i;
    while (start > bodyStart && text.charCodeAt(start - 1) === 0x3e) start--;
    if (start === bodyStart || text.charCodeAt(start - 1) === 0x0a) yield start;
  }
}

/**
 * The mboxrd entry of one stored original. The header (small) is edited as a binary string; the body is copied
 * as byte ranges with a ">" put before each `>*From ` line start (no binary string of a whole message).
 */
export function mboxrdEntry(original: Uint8Array): Uint8Array {
  const text = positions.decode(original);
  const split = splitMessage(text);
  const headerEnd = split.header.length;
  // the decoded header is the binary string unless it holds a byte windows-1252 maps above U+00FF
  const decoded = split.header;
  const binary = /[^\x00-\xff]/.test(decoded) ? bytesToBinary(original.subarray(0, headerEnd)) : decoded;
  let header = binary;
  if (ANY_DROPPED.test(header)) for (const re of DROPPED) header = header.replace(re, "");
  header = header.replace(/^[\r\n]*From [^\r\n]*\r?\n/, "");
  const parts: Uint8Array[] = [
    encodeAscii.encode(`${MBOXRD_FROM_LINE}${split.eol}`),
    header === binary ? original.subarray(0, headerEnd) : binaryToBytes(header),
  ];
  parts.push(encodeAscii.encode(split.eol));
  if (split.body !== null) {
    const bodyStart = text.length - split.body.length;
    let from = bodyStart;
    for (const at of quotePoints(text, bodyStart)) {
      parts.push(original.subarray(from, at), GT);
      from = at;
    }
    parts.push(original.subarray(from));
  }
  parts.push(encodeAscii.encode("\n"));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The charset public-inbox names in `/raw`'s Content-Type: the message's own, when it is a plain token. */
export function rawCharset(original: Uint8Array): string {
  const { header } = splitMessage(bytesToBinary(original.subarray(0, HEADER_SIZE_LIMIT)));
  const field = /(?<![^\n])Content-Type:[ \t]*([^\n]*\r?\n(?:[^:\n]*?[ \t]+[^\n]*\r?\n)*)/i.exec(header);
  const charset = field && /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(field[1]!.replace(/\r?\n[ \t]*/g, " "));
  const name = charset?.[1];
  return name && !/[^a-zA-Z0-9\-_]/.test(name) ? name : "UTF-8";
}

/**
 * PublicInbox::Hval::to_filename: a download's file name from a subject. `/raw` drops a leading "Re: " first
 * (PublicInbox::Mbox::mbox_hdr); thread and search downloads keep it (PublicInbox::MboxGz).
 */
export function downloadName(subject: string, options: { dropReply?: boolean } = {}): string {
  const text = options.dropReply ? subject.replace(/^re:\s+/i, "") : subject;
  const first = text.split("\n")[0] ?? "";
  const name = first
    .replace(/[^A-Za-z0-9_.]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/[.-]+$/, "")
    .replace(/^[.-]+/, "");
  return name === "" ? "no-subject" : name;
}
