import { isTrailerKey, TRAILER } from "../mail/patch";

/**
 * A message body as blocks for reading: quoted levels, diffs (file headers, hunks, added and removed lines),
 * trailers, the signature, and URLs and Message-IDs as links. Pure: text in, a model out; the page component
 * turns the model into elements (and JSX escapes every piece of text). Nothing here produces HTML.
 */

export type Span = { text: string } | { text: string; href: string } | { text: string; mid: string };

export type LineKind =
  | "text"
  | "trailer"
  | "diffstat"
  | "file"
  | "hunk"
  | "add"
  | "del"
  | "ctx"
  | "meta"
  | "quote";

export interface Line {
  kind: LineKind;
  spans: Span[];
}

export interface Block {
  kind: "text" | "quote" | "diff" | "signature";
  /** quote depth (1 for "> ", 2 for "> > " …); 0 otherwise */
  level: number;
  lines: Line[];
}

/** Quotes longer than this many lines are folded (a `<details>`, so it works without JavaScript). */
export const FOLD_QUOTE_LINES = 10;
/** A "-- " line this close to the end starts a signature. */
const SIGNATURE_MAX_LINES = 20;

const DIFF_START = /^(diff --git |diff -[a-zA-Z]|Index: |--- (a\/|\S+\t|\/dev\/null))/;
const DIFF_META =
  /^(index [0-9a-f]+\.\.[0-9a-f]+|(new|deleted) file mode |old mode |new mode |similarity index |dissimilarity index |rename (from|to) |copy (from|to) |Binary files |GIT binary patch|={20,}$)/;
const DIFFSTAT =
  /^ (\S.*\S|\S) +\| +(\d+ ?[+-]*|Bin .*)$|^ \d+ files? changed(, \d+ insertions?\(\+\))?(, \d+ deletions?\(-\))?$/;

/** A trailer line, by the same rule patch detection uses (functions/mail/patch.ts). */
function isTrailer(line: string): boolean {
  const m = TRAILER.exec(line);
  return m !== null && isTrailerKey(m[1]!);
}

/** The quote depth of a line (`>`, `> >`, `>>`) and its text after the marks. */
export function quoteLevel(line: string): { level: number; rest: string } {
  const m = /^((?:[ \t]?>)+)[ \t]?/.exec(line);
  if (!m) return { level: 0, rest: line };
  return { level: (m[1]!.match(/>/g) ?? []).length, rest: line.slice(m[0].length) };
}

export function mailBlocks(body: string): Block[] {
  const lines = body.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
  const sigAt = signatureStart(lines);
  const blocks: Block[] = [];
  const push = (kind: Block["kind"], level: number, line: Line) => {
    const last = blocks[blocks.length - 1];
    if (last && last.kind === kind && last.level === level) last.lines.push(line);
    else blocks.push({ kind, level, lines: [line] });
  };
  let inDiff = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (i === sigAt) {
      for (const s of lines.slice(i)) push("signature", 0, { kind: "text", spans: linkify(s) });
      break;
    }
    const q = quoteLevel(raw);
    if (q.level > 0) {
      inDiff = false;
      push("quote", q.level, { kind: "quote", spans: linkify(raw) });
      continue;
    }
    if (!inDiff && DIFF_START.test(raw) && looksLikeDiff(lines, i)) inDiff = true;
    if (inDiff) {
      const kind = diffKind(raw);
      if (kind) {
        push("diff", 0, { kind, spans: [{ text: raw }] });
        continue;
      }
      inDiff = false;
    }
    const kind: LineKind = isTrailer(raw) ? "trailer" : DIFFSTAT.test(raw) ? "diffstat" : "text";
    push("text", 0, { kind, spans: linkify(raw) });
  }
  return blocks;
}

/** A diff starts here when a `+++` or a hunk header follows within a few lines. */
function looksLikeDiff(lines: string[], at: number): boolean {
  for (let j = at; j < Math.min(lines.length, at + 8); j++) {
    if (/^(\+\+\+ |@@ -\d)/.test(lines[j]!) || /^(Binary files|GIT binary patch)/.test(lines[j]!))
      return true;
  }
  return false;
}

function diffKind(line: string): LineKind | null {
  if (/^(diff |Index: |--- |\+\+\+ )/.test(line)) return "file";
  if (line.startsWith("@@")) return "hunk";
  if (DIFF_META.test(line)) return "meta";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "del";
  // mailers strip the space of an empty context line; `\ No newline at end of file`
  if (line.startsWith(" ") || line === "" || line.startsWith("\\")) return "ctx";
  return null;
}

/** The last "-- " line with at most SIGNATURE_MAX_LINES after it, or -1. */
function signatureStart(lines: string[]): number {
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - SIGNATURE_MAX_LINES - 1); i--) {
    if (lines[i] === "-- " || lines[i] === "--") return i;
  }
  return -1;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/g;
const MID_RE = /<([^\s<>@"]+@[^\s<>@"]+)>/g;
/** A bracketed id on a line like these is a Message-ID, not a mail address. */
const MID_CONTEXT = /(message-id|in-reply-to|references|msgid|^\s*link:)/i;

/** The Message-ID-like `<a@b>` tokens that are ids: named as such on the line, or shaped like generated ids. */
function isMessageId(line: string, local: string): boolean {
  if (MID_CONTEXT.test(line)) return true;
  return local.length >= 12 && (local.match(/\d/g) ?? []).length >= 4 && /[.\-$_]/.test(local);
}

/** Text with http(s) URLs and Message-IDs as link spans; everything else plain. Only http(s) is ever linked. */
export function linkify(line: string): Span[] {
  const found: { start: number; end: number; span: Span }[] = [];
  for (const m of line.matchAll(URL_RE)) {
    let url = m[0];
    // trailing punctuation is the sentence's; a closing bracket is the URL's only when it opened one
    while (/[.,;:!?'")\]>]$/.test(url)) {
      const last = url[url.length - 1]!;
      if (
        (last === ")" && count(url, "(") >= count(url, ")")) ||
        (last === "]" && count(url, "[") >= count(url, "]"))
      )
        break;
      url = url.slice(0, -1);
    }
    if (url.length > "https://".length)
      found.push({ start: m.index!, end: m.index! + url.length, span: { text: url, href: url } });
  }
  for (const m of line.matchAll(MID_RE)) {
    const start = m.index! + 1;
    const end = start + m[1]!.length;
    if (found.some((f) => start < f.end && end > f.start)) continue;
    if (isMessageId(line, m[1]!.split("@")[0]!))
      found.push({ start, end, span: { text: m[1]!, mid: m[1]! } });
  }
  if (found.length === 0) return [{ text: line }];
  found.sort((a, b) => a.start - b.start);
  const spans: Span[] = [];
  let at = 0;
  for (const f of found) {
    if (f.start > at) spans.push({ text: line.slice(at, f.start) });
    spans.push(f.span);
    at = f.end;
  }
  if (at < line.length) spans.push({ text: line.slice(at) });
  return spans;
}

const count = (s: string, ch: string) => s.split(ch).length - 1;
