import { binaryToBytes, bytesToBinary, utf8Bytes } from "./bytes";
import { Sha1 } from "./sha1";

/**
 * `git patch-id --stable` of a text holding a diff, as git 2.39's builtin/patch-id.c computes it (the id
 * public-inbox indexes for `patchid:`, and b4 uses to match a patch across versions): the diff's lines with all
 * whitespace removed, `index` lines and hunk line numbers left out, hashed per file with SHA-1, the per-file
 * hashes summed byte by byte with carry. Null when the text holds no diff. Text is hashed as UTF-8.
 */
export function stablePatchId(text: string): string | null {
  const s = bytesToBinary(utf8Bytes(text));
  const result = new Uint8Array(20);
  let ctx = new Sha1();
  const flush = () => {
    const hash = ctx.digest();
    ctx = new Sha1();
    let carry = 0;
    for (let i = 0; i < 20; i++) {
      carry += result[i]! + hash[i]!;
      result[i] = carry & 0xff;
      carry >>= 8;
    }
  };
  let patchlen = 0;
  let before = -1;
  let after = -1;
  let binary = false;
  let preOid = "";
  let postOid = "";
  let pos = 0;
  while (pos < s.length) {
    const nl = s.indexOf("\n", pos);
    const end = nl < 0 ? s.length : nl + 1;
    const line = s.slice(pos, end);
    pos = end;

    let p = line;
    const isCommit = line.startsWith("commit ");
    const isFrom = line.startsWith("From ");
    if (isCommit) p = line.slice(7);
    else if (isFrom) p = line.slice(5);
    else if (line.startsWith("\\ ") && line.length > 12) continue; // "\ No newline at end of file"
    if (/^[0-9a-fA-F]{40}/.test(p)) break; // the next commit of a `git log -p` stream
    if (patchlen === 0 && !line.startsWith("diff ")) continue; // commit message
    if (before === -1) {
      if (line.startsWith("GIT binary patch") || line.startsWith("Binary files")) {
        binary = true;
        before = 0;
        ctx.update(binaryToBytes(preOid));
        ctx.update(binaryToBytes(postOid));
        flush();
        continue;
      }
      if (line.startsWith("index ")) {
        const dots = line.indexOf("..");
        if (dots >= 0) {
          const space = line.indexOf(" ", dots);
          const oid2End = space >= 0 ? space : line.length - 1;
          preOid = line.slice(6, dots).slice(0, 64);
          postOid = line.slice(dots + 2, oid2End).slice(0, 64);
        }
        continue;
      }
      if (line.startsWith("--- ")) {
        before = 1;
        after = 1;
      } else if (!/^[A-Za-z]/.test(line)) break;
    }
    if (binary) {
      if (line.startsWith("diff ")) {
        binary = false;
        before = -1;
      }
      continue;
    }
    if (before === 0 && after === 0) {
      if (line.startsWith("@@ -")) {
        [before, after] = hunkCounts(line);
        continue;
      }
      if (!line.startsWith("diff ")) break; // the end of the patch
      flush(); // --stable: each file on its own
      before = -1;
      after = -1;
    }
    const first = line[0];
    if (first === "-" || first === " ") before--;
    if (first === "+" || first === " ") after--;
    const squeezed = line.replace(/[ \t\n\r]/g, "");
    patchlen += squeezed.length;
    ctx.update(binaryToBytes(squeezed));
  }
  if (patchlen === 0) return null;
  flush();
  let hex = "";
  for (const byte of result) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** scan_hunk_header: the before and after line counts of `@@ -a[,b] +c[,d] @@` (a count left out is 1). */
function hunkCounts(line: string): [number, number] {
  const m = /^@@ -\d*(?:,(\d*))? \+\d*(?:,(\d*))?/.exec(line);
  if (!m) return [0, 0];
  return [m[1] === undefined ? 1 : Number(m[1] || 0), m[2] === undefined ? 1 : Number(m[2] || 0)];
}
