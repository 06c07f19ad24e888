/**
 * The difference between two versions of one patch, as `git range-diff` shows it: each patch is reduced to
 * what a reviewer compares (the commit message and the diff, without the diffstat, the `index` lines, hunk
 * line numbers and the signature), and the two are compared line by line (Myers). Pure, no I/O.
 */

export interface DiffLine {
  /** " " in both, "-" only in the old version, "+" only in the new one, "~" lines left out (count in text) */
  op: " " | "-" | "+" | "~";
  text: string;
}

export interface Interdiff {
  lines: DiffLine[];
  added: number;
  removed: number;
}

/** The lines of a patch a reviewer compares between versions. */
export function comparablePatch(body: string): string[] {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let section: "message" | "stat" | "diff" = "message";
  for (const line of lines) {
    if (line === "-- " && section === "diff") break; // format-patch footer
    if (section !== "diff" && /^(diff --git |Index: |--- a\/)/.test(line)) {
      section = "diff";
      out.push("");
    }
    if (section === "message") {
      if (line === "---") {
        section = "stat";
        continue;
      }
      out.push(line);
    } else if (section === "stat") {
      // diffstat and notes between "---" and the first diff are not compared
    } else if (/^index [0-9a-f]+\.\.[0-9a-f]+/.test(line)) {
      // blob ids change with every rebase
    } else {
      const hunk = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$/.exec(line);
      out.push(hunk ? `@@ ${hunk[1]}`.trimEnd() : line);
    }
  }
  while (out.length && out[out.length - 1]!.trim() === "") out.pop();
  while (out.length && out[0]!.trim() === "") out.shift();
  return out;
}

/** Above this many differing lines the comparison gives up on alignment and shows old then new. */
const MAX_EDIT = 4000;

/** Myers' shortest edit script between two line lists, as " ", "-", "+" lines. */
export function diffLines(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break outer;
      }
    }
  }
  if (found < 0)
    return [
      ...a.map((text) => ({ op: "-" as const, text })),
      ...b.map((text) => ({ op: "+" as const, text })),
    ];
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      out.push({ op: " ", text: a[x]! });
    }
    if (x === prevX) {
      y--;
      out.push({ op: "+", text: b[y]! });
    } else {
      x--;
      out.push({ op: "-", text: a[x]! });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    out.push({ op: " ", text: a[x]! });
  }
  return out.reverse();
}

/** The version difference of one patch: changed lines with `context` unchanged lines around them. */
export function interdiff(oldBody: string, newBody: string, context = 3): Interdiff {
  const all = diffLines(comparablePatch(oldBody), comparablePatch(newBody));
  const keep = new Uint8Array(all.length);
  all.forEach((l, i) => {
    if (l.op === " ") return;
    for (let j = Math.max(0, i - context); j <= Math.min(all.length - 1, i + context); j++) keep[j] = 1;
  });
  const lines: DiffLine[] = [];
  let skipped = 0;
  all.forEach((l, i) => {
    if (keep[i]) {
      if (skipped) lines.push({ op: "~", text: `${skipped} unchanged line${skipped === 1 ? "" : "s"}` });
      skipped = 0;
      lines.push(l);
    } else skipped++;
  });
  if (skipped && lines.length)
    lines.push({ op: "~", text: `${skipped} unchanged line${skipped === 1 ? "" : "s"}` });
  return {
    lines,
    added: all.filter((l) => l.op === "+").length,
    removed: all.filter((l) => l.op === "-").length,
  };
}
