import { bytesToBinary } from "./bytes";
import { EPOCH_FLOOR, parseMailDate } from "./date";

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
  const splitter = new MboxSplitter(options);
  yield* splitter.push(bytes);
  yield* splitter.end();
}

/**
 * splitMbox for a stream: feed chunks with push(), then end(). Holds only the message being read (and,
 * until the first separator, what precedes it: a file without any separator is one message).
 */
export class MboxSplitter {
  private readonly mboxrd: boolean;
  /** input not scanned yet, as a binary string starting at a line start */
  private tail = "";
  /** characters consumed before tail (0 = tail starts the input) */
  private consumed = 0;
  /** the current message: its "From " line and its lines so far */
  private current: { line: string; parts: string[] } | null = null;
  /** lines before the first separator */
  private prefix: string[] = [];

  constructor(options: { mboxrd?: boolean } = {}) {
    this.mboxrd = options.mboxrd ?? true;
  }

  *push(chunk: Uint8Array): Generator<MboxEntry> {
    this.tail += bytesToBinary(chunk);
    yield* this.lines(false);
  }

  *end(): Generator<MboxEntry> {
    yield* this.lines(true);
    if (this.current) yield this.entry(this.current.parts.join(""), this.current.line);
    else if (this.prefix.join("").trim()) yield this.entry(this.prefix.join(""), "");
    this.current = null;
    this.prefix = [];
  }

  /** Scans whole lines; a "From " line is decided once the line after it is whole (or at the end). */
  private *lines(final: boolean): Generator<MboxEntry> {
    const s = this.tail;
    let pos = 0;
    let kept = 0;
    const keep = (to: number) => {
      if (to > kept) (this.current?.parts ?? this.prefix).push(s.slice(kept, to));
      kept = to;
    };
    while (pos < s.length) {
      let nl = s.indexOf("\n", pos);
      if (nl < 0) {
        if (!final) break;
        nl = s.length;
      }
      if (s.startsWith("From ", pos)) {
        let nextEnd = s.indexOf("\n", nl + 1);
        if (nextEnd < 0) {
          if (!final) break;
          nextEnd = s.length;
        }
        const next = s.slice(nl + 1, nextEnd);
        const fileStart = this.consumed + pos === 0;
        if (HEADER_LINE.test(next) || (fileStart && next.trim() !== "")) {
          keep(pos);
          if (this.current) yield this.entry(this.current.parts.join(""), this.current.line);
          this.current = { line: s.slice(pos, nl), parts: [] };
          this.prefix = [];
          kept = Math.min(nl + 1, s.length);
        }
      }
      pos = nl + 1;
    }
    pos = Math.min(pos, s.length);
    keep(pos);
    this.tail = s.slice(pos);
    this.consumed += pos;
  }

  private entry(raw: string, fromLine: string): MboxEntry {
    let msg = raw;
    if (this.mboxrd) msg = msg.replace(/^>(>*From )/gm, "$1");
    if (msg.endsWith("\n\n"))
      msg = msg.slice(0, -1); // the blank line that separates mbox entries
    else if (msg.endsWith("\r\n\r\n")) msg = msg.slice(0, -2);
    const bytes = new Uint8Array(msg.length);
    for (let j = 0; j < msg.length; j++) bytes[j] = msg.charCodeAt(j);
    return { bytes, fromLineDate: parseFromLineDate(fromLine) };
  }
}

/** "From sender Thu Dec 31 22:50:51 2009" → date (asctime, taken as UTC). */
function parseFromLineDate(line: string): Date | null {
  const m = /([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}:\d{2}(?::\d{2})?)\s+(\d{4})/.exec(line);
  if (!m) return null;
  // git format-patch writes this fixed date on every "From <sha>" line, public-inbox's mboxrd exports the Unix
  // epoch ("From mboxrd@z Thu Jan  1 00:00:00 1970"): neither is a date.
  if (line.includes("Mon Sep 17 00:00:00 2001")) return null;
  const date = parseMailDate(`${m[2]} ${m[1]} ${m[4]} ${m[3]} +0000`);
  return date && date.getTime() >= EPOCH_FLOOR ? date : null;
}
