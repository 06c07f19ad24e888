import { bytesToBinary } from "./bytes";
import { parseMailDate } from "./date";

export interface MboxEntry {
  /** the message bytes, without the "From " separator line, >From unescaped for mboxrd */
  bytes: Uint8Array;
  /** date on the "From " line, if parseable */
  fromLineDate: Date | null;
}

const HEADER_LINE = /^[!-9;-~]+:/;

/**
 * Split an mbox into messages. A separator is a line starting with "From " whose next line looks like a
 * header field (so an unescaped "From " in a body, as mboxo allows, does not split a message). With
 * `mboxrd` (the default: lore and git format-patch both write it), one ">" is removed from ">From ",
 * ">>From " … lines.
 */
export function* splitMbox(bytes: Uint8Array, options: { mboxrd?: boolean } = {}): Generator<MboxEntry> {
  const mboxrd = options.mboxrd ?? true;
  const s = bytesToBinary(bytes);
  const starts: { at: number; body: number; line: string }[] = [];
  let pos = 0;
  while (pos < s.length) {
    let nl = s.indexOf("\n", pos);
    if (nl < 0) nl = s.length;
    if (s.startsWith("From ", pos)) {
      const nextEnd = s.indexOf("\n", nl + 1);
      const next = s.slice(nl + 1, nextEnd < 0 ? s.length : nextEnd);
      if (HEADER_LINE.test(next) || (pos === 0 && next.trim() !== "")) {
        starts.push({ at: pos, body: nl + 1, line: s.slice(pos, nl) });
      }
    }
    pos = nl + 1;
  }
  if (starts.length === 0 && s.trim()) starts.push({ at: 0, body: 0, line: "" });
  for (let i = 0; i < starts.length; i++) {
    const st = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]!.at : s.length;
    let msg = s.slice(st.body, end);
    if (mboxrd) msg = msg.replace(/^>(>*From )/gm, "$1");
    if (msg.endsWith("\n\n"))
      msg = msg.slice(0, -1); // the blank line that separates mbox entries
    else if (msg.endsWith("\r\n\r\n")) msg = msg.slice(0, -2);
    const bytesOut = new Uint8Array(msg.length);
    for (let j = 0; j < msg.length; j++) bytesOut[j] = msg.charCodeAt(j);
    yield { bytes: bytesOut, fromLineDate: parseFromLineDate(st.line) };
  }
}

/** "From sender Thu Dec 31 22:50:51 2009" → date (asctime, taken as UTC). */
function parseFromLineDate(line: string): Date | null {
  const m = /([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}:\d{2}(?::\d{2})?)\s+(\d{4})/.exec(line);
  if (!m) return null;
  // git format-patch writes this fixed date on every "From <sha>" line: it is not a date.
  if (line.includes("Mon Sep 17 00:00:00 2001")) return null;
  return parseMailDate(`${m[2]} ${m[1]} ${m[4]} ${m[3]} +0000`);
}
