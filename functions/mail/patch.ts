import type { ParsedAttachment } from "./parse";
import { stablePatchId } from "./patch-id";
import { parseTrailerPerson } from "./trailers";

/**
 * Patch recognition on a message body (and its patch-like attachments).
 *
 * Line numbers are 0-based indexes into `text.split("\n")` of the text the patch was found in (the body
 * for inline patches, the attachment text for attachment patches); ranges are [start, end) half-open.
 */

export type PatchType = "none" | "inline" | "attachment";

export interface PatchFile {
  path: string;
  oldPath?: string;
  status: "modified" | "added" | "deleted" | "renamed" | "copied";
  added: number;
  removed: number;
  binary: boolean;
}

export interface Trailer {
  key: string;
  value: string;
  /** person named by the trailer (Signed-off-by, Reviewed-by, Cc …) */
  name?: string;
  email?: string;
  line: number;
}

export interface PatchMetadata {
  /** where the diff was found: the body, or the attachment with this filename */
  source: "body" | { attachment: string | null };
  diff: [number, number][];
  diffstat: { lines: [number, number]; filesChanged: number; insertions: number; deletions: number } | null;
  trailers: Trailer[];
  /** signature / format-patch footer ("-- \n2.43.0") */
  footer: [number, number] | null;
  files: PatchFile[];
  insertions: number;
  deletions: number;
  /** git request-pull messages: repository URL and branch */
  pull?: { url: string; branch: string | null };
}

export interface PatchInfo {
  patchType: PatchType;
  /** a patch submission: a diff with commit text only, no quoted reply text */
  isPatchOnly: boolean;
  metadata: PatchMetadata | null;
  /** `git patch-id --stable` of the diff's text (functions/mail/patch-id.ts); null without a patch */
  patchId: string | null;
}

export const TRAILER = /^([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*):[ \t]+(\S.*)$/;
const KNOWN_TRAILERS = new Set([
  "signed-off-by",
  "reviewed-by",
  "acked-by",
  "tested-by",
  "reported-by",
  "suggested-by",
  "co-developed-by",
  "reported-and-tested-by",
  "cc",
  "fixes",
  "link",
  "closes",
  "requested-by",
  "helped-by",
  "debugged-by",
  "nacked-by",
  "bisected-by",
  "originally-by",
  "message-id",
  "based-on-patch-by",
  "stable-dep-of",
]);
const PERSON_TRAILER = (key: string) => key.endsWith("-by") || key === "cc";

export function isTrailerKey(key: string): boolean {
  const k = key.toLowerCase();
  return KNOWN_TRAILERS.has(k) || (k.endsWith("-by") && k.length <= 40);
}

interface DiffScan {
  ranges: [number, number][];
  files: PatchFile[];
  firstLine: number;
}

// Also the combined-diff form of merges ("@@@ -a,b -c,d +e,f @@@"), counted by its first parent.
const HUNK = /^@@+ -\d+(?:,(\d+))?(?: -\d+(?:,\d+)?)* \+\d+(?:,(\d+))? @@/;

function stripPath(p: string): string {
  let path = p.trim().replace(/\t.*$/, "");
  if (path.startsWith('"') && path.endsWith('"')) path = path.slice(1, -1);
  return path.replace(/^[ab]\//, "");
}

/** Find unified diffs (git, plain `diff -u`, svn/cvs `Index:`) and count lines per file. */
export function scanDiff(lines: string[]): DiffScan {
  const ranges: [number, number][] = [];
  const files: PatchFile[] = [];
  let i = 0;
  let rangeStart = -1;
  let rangeEnd = -1;
  const closeRange = () => {
    if (rangeStart >= 0) ranges.push([rangeStart, rangeEnd]);
    rangeStart = -1;
  };
  while (i < lines.length) {
    const line = lines[i]!;
    let file: PatchFile | null = null;
    const start = i;
    if (line.startsWith("diff --git ")) {
      const m = /^diff --git (?:"?a\/)?(.+?)"? (?:"?b\/)(.+?)"?$/.exec(line);
      file = {
        path: m ? m[2]! : stripPath(line.slice(11).split(" ").pop() ?? ""),
        status: "modified",
        added: 0,
        removed: 0,
        binary: false,
      };
      if (m && m[1] !== m[2]) file.oldPath = m[1]!;
      i++;
      // extended header lines
      while (
        i < lines.length &&
        !lines[i]!.startsWith("diff --git ") &&
        !HUNK.test(lines[i]!) &&
        !lines[i]!.startsWith("--- ")
      ) {
        const h = lines[i]!;
        if (h.startsWith("new file mode")) file.status = "added";
        else if (h.startsWith("deleted file mode")) file.status = "deleted";
        else if (h.startsWith("rename from ")) {
          file.status = "renamed";
          file.oldPath = h.slice(12);
        } else if (h.startsWith("rename to ")) file.path = h.slice(10);
        else if (h.startsWith("copy from ")) {
          file.status = "copied";
          file.oldPath = h.slice(10);
        } else if (h.startsWith("copy to ")) file.path = h.slice(8);
        else if (h.startsWith("GIT binary patch") || h.startsWith("Binary files ")) {
          file.binary = true;
          i++;
          // skip the base85 literal/delta blocks up to the blank line that ends each
          if (h.startsWith("GIT binary patch")) {
            let blanks = 0;
            while (i < lines.length && blanks < 2 && !lines[i]!.startsWith("diff --git ")) {
              if (lines[i] === "") blanks++;
              else if (
                !/^(literal|delta) \d+$/.test(lines[i]!) &&
                !/^[A-Za-z][0-9A-Za-z!#$%&()*+;<=>?@^_`{|}~-]+$/.test(lines[i]!)
              )
                break;
              i++;
            }
          }
          continue;
        } else if (
          !/^(index |old mode |new mode |similarity index |dissimilarity index |new file mode|deleted file mode)/.test(
            h,
          )
        )
          break;
        i++;
      }
      if (file.oldPath === file.path) delete file.oldPath;
    } else if (line.startsWith("--- ") && lines[i + 1]?.startsWith("+++ ") && HUNK.test(lines[i + 2] ?? "")) {
      const oldP = stripPath(line.slice(4));
      const newP = stripPath(lines[i + 1]!.slice(4));
      file = {
        path: newP === "/dev/null" ? oldP : newP,
        status: oldP === "/dev/null" ? "added" : newP === "/dev/null" ? "deleted" : "modified",
        added: 0,
        removed: 0,
        binary: false,
      };
    } else if (line.startsWith("Index: ") && /^={10,}/.test(lines[i + 1] ?? "")) {
      i += 2;
      continue; // svn/cvs header; the ---/+++ pair follows
    }
    if (!file) {
      i++;
      continue;
    }
    // ---/+++ pair (after a git header or on its own)
    if (lines[i]?.startsWith("--- ") && lines[i + 1]?.startsWith("+++ ")) {
      const newP = stripPath(lines[i + 1]!.slice(4));
      if (newP === "/dev/null") file.status = "deleted";
      else if (stripPath(lines[i]!.slice(4)) === "/dev/null") file.status = "added";
      i += 2;
    }
    while (i < lines.length) {
      const h = HUNK.exec(lines[i]!);
      if (!h) break;
      let oldLeft = h[1] === undefined ? 1 : Number(h[1]);
      let newLeft = h[2] === undefined ? 1 : Number(h[2]);
      i++;
      while (i < lines.length && (oldLeft > 0 || newLeft > 0)) {
        const l = lines[i]!;
        const c = l[0];
        if (c === "+") {
          file.added++;
          newLeft--;
        } else if (c === "-") {
          file.removed++;
          oldLeft--;
        } else if (c === " " || l === "") {
          oldLeft--;
          newLeft--;
        } else if (c !== "\\") break;
        i++;
      }
      while (i < lines.length && lines[i]!.startsWith("\\")) i++; // "\ No newline at end of file"
    }
    files.push(file);
    if (rangeStart < 0 || start > rangeEnd) {
      closeRange();
      rangeStart = start;
    }
    rangeEnd = i;
  }
  closeRange();
  return { ranges, files, firstLine: ranges[0]?.[0] ?? -1 };
}

function parseTrailerValue(key: string, value: string, line: number): Trailer {
  const t: Trailer = { key, value, line };
  if (PERSON_TRAILER(key.toLowerCase())) {
    const p = parseTrailerPerson(value);
    if (p.email) t.email = p.email;
    if (p.name) t.name = p.name;
  }
  return t;
}

function analyse(text: string, source: PatchMetadata["source"]): PatchMetadata | null {
  const lines = text.split("\n");
  const scan = scanDiff(lines);
  const pull = findPull(lines);
  if (scan.files.length === 0 && !pull) return null;
  const diffStart = scan.firstLine >= 0 ? scan.firstLine : lines.length;
  const diffEnd = scan.ranges.length ? scan.ranges[scan.ranges.length - 1]![1] : lines.length;

  // footer: the last "-- " line after the diff (format-patch) or anywhere when there is no diff
  let footer: [number, number] | null = null;
  for (let j = lines.length - 1; j >= (scan.ranges.length ? diffEnd : 0); j--) {
    if (lines[j] === "-- " || lines[j] === "--") {
      footer = [j, lines.length];
      break;
    }
  }
  // the "---" separator between commit message and diffstat
  let sep = -1;
  for (let j = 0; j < diffStart; j++) {
    if (lines[j] === "---" || lines[j] === "--- ") {
      sep = j;
      break;
    }
  }
  let diffstat: PatchMetadata["diffstat"] = null;
  if (sep >= 0) {
    let j = sep + 1;
    let filesChanged = 0;
    let insertions = 0;
    let deletions = 0;
    let last = -1;
    for (; j < diffStart; j++) {
      const l = lines[j]!;
      if (/^ \S.*\|\s+(\d+|Bin)/.test(l)) last = j;
      const m = /^ (\d+) files? changed(?:, (\d+) insertions?\(\+\))?(?:, (\d+) deletions?\(-\))?/.exec(l);
      if (m) {
        filesChanged = Number(m[1]);
        insertions = Number(m[2] ?? 0);
        deletions = Number(m[3] ?? 0);
        last = j;
        break;
      }
    }
    if (last >= 0) diffstat = { lines: [sep + 1, last + 1], filesChanged, insertions, deletions };
  }
  const trailerEnd = sep >= 0 ? sep : diffStart;
  const trailers: Trailer[] = [];
  for (let j = 0; j < Math.min(trailerEnd, footer ? footer[0] : lines.length); j++) {
    const m = TRAILER.exec(lines[j]!);
    if (m && isTrailerKey(m[1]!)) trailers.push(parseTrailerValue(m[1]!, m[2]!.trim(), j));
  }
  return {
    source,
    diff: scan.ranges,
    diffstat,
    trailers,
    footer,
    files: scan.files,
    insertions: scan.files.reduce((n, f) => n + f.added, 0),
    deletions: scan.files.reduce((n, f) => n + f.removed, 0),
    ...(pull ? { pull } : {}),
  };
}

/** `git request-pull` output: "are available in the Git repository at:\n\n  URL BRANCH". */
function findPull(lines: string[]): PatchMetadata["pull"] | null {
  for (let j = 0; j < lines.length; j++) {
    if (/are available in the [Gg]it repository at:?\s*$/.test(lines[j]!)) {
      for (let k = j + 1; k < Math.min(lines.length, j + 4); k++) {
        const m = /^\s+((?:git|https?|ssh|git\+ssh):\/\/\S+|\S+@\S+:\S+)(?:\s+(\S+))?\s*$/.exec(lines[k]!);
        if (m) {
          let branch = m[2] ?? null;
          // the branch may be wrapped onto the next line
          if (!branch && /^\s*\S+\s*$/.test(lines[k + 1] ?? "")) branch = lines[k + 1]!.trim();
          return { url: m[1]!, branch };
        }
      }
    }
  }
  return null;
}

export function detectPatch(body: string, attachments: ParsedAttachment[] = []): PatchInfo {
  const inline = analyse(body, "body");
  if (inline && inline.files.length > 0) {
    return {
      patchType: "inline",
      isPatchOnly: isSubmission(body, inline),
      metadata: inline,
      patchId: stablePatchId(body),
    };
  }
  for (const a of attachments) {
    if (a.text === null) continue;
    const meta = analyse(a.text, { attachment: a.filename });
    if (meta && meta.files.length > 0) {
      // trailers of the cover text in the body still count (they name the people)
      const bodyMeta = inline ?? analyse(`${body}\n`, "body");
      if (bodyMeta && meta.trailers.length === 0) meta.trailers = bodyMeta.trailers;
      return {
        patchType: "attachment",
        isPatchOnly: !hasQuotes(body.split("\n")),
        metadata: meta,
        patchId: stablePatchId(a.text),
      };
    }
  }
  // a pull request without a diff keeps its metadata but is not a patch
  return { patchType: "none", isPatchOnly: false, metadata: inline, patchId: null };
}

function hasQuotes(lines: string[], end = lines.length): boolean {
  for (let j = 0; j < end; j++) if (lines[j]!.startsWith(">")) return true;
  return false;
}

function isSubmission(body: string, meta: PatchMetadata): boolean {
  const lines = body.split("\n");
  return !hasQuotes(lines, meta.diff[0]?.[0] ?? lines.length);
}
