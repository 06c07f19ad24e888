import { execFileSync } from "node:child_process";

/** One commit of a public-inbox v2 epoch: a message added (blob `m`) or removed (blob `d`). */
export type EpochEntry = { add: Uint8Array } | { remove: Uint8Array };

/**
 * Write a public-inbox v2 epoch (a bare git repository, one commit per message, the message in blob `m`,
 * a removal as blob `d` with no `m`) with `git fast-import`, as public-inbox lays it out.
 */
export function writeEpoch(gitDir: string, entries: EpochEntry[]): void {
  execFileSync("git", ["init", "-q", "--bare", gitDir]);
  const parts: Buffer[] = [];
  const data = (bytes: Uint8Array) => {
    parts.push(Buffer.from(`data ${bytes.length}\n`), Buffer.from(bytes), Buffer.from("\n"));
  };
  entries.forEach((e, i) => {
    const when = 1_790_000_000 + i * 60;
    parts.push(Buffer.from(`commit refs/heads/master\ncommitter test <test@example.org> ${when} +0000\n`));
    data(Buffer.from(`entry ${i}\n`));
    if ("add" in e) {
      parts.push(Buffer.from("D d\nM 100644 inline m\n"));
      data(e.add);
    } else {
      parts.push(Buffer.from("D m\nM 100644 inline d\n"));
      data(e.remove);
    }
  });
  execFileSync("git", ["--git-dir", gitDir, "fast-import", "--quiet"], { input: Buffer.concat(parts) });
}

/** The entries of an existing epoch, oldest first. */
export function readEpoch(gitDir: string): EpochEntry[] {
  const git = (...args: string[]) =>
    execFileSync("git", ["--git-dir", gitDir, ...args], { maxBuffer: 1 << 30 });
  const shas = git("rev-list", "--reverse", "HEAD").toString().trim().split("\n");
  return shas.map((sha) => {
    const names = git("ls-tree", "--name-only", sha).toString().trim().split("\n");
    return names.includes("m")
      ? { add: new Uint8Array(git("cat-file", "blob", `${sha}:m`)) }
      : { remove: new Uint8Array(git("cat-file", "blob", `${sha}:d`)) };
  });
}

/**
 * Every message blob (`m`) of a public-inbox v2 epoch, oldest commit first, in one `git cat-file --batch` (the
 * whole kgdb epoch in well under a second, where readEpoch spends three git runs per commit).
 */
export function epochBlobs(gitDir: string): Buffer[] {
  const commits = execFileSync("git", ["-C", gitDir, "rev-list", "--reverse", "--all"], { encoding: "utf8" })
    .trim()
    .split("\n");
  const out = execFileSync("git", ["-C", gitDir, "cat-file", "--batch"], {
    input: `${commits.map((c) => `${c}:m`).join("\n")}\n`,
    maxBuffer: 1 << 30,
  });
  const blobs: Buffer[] = [];
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf(10, pos);
    const header = out.subarray(pos, nl).toString();
    if (header.endsWith(" missing")) {
      pos = nl + 1;
      continue;
    }
    const size = Number(header.split(" ")[2]);
    blobs.push(out.subarray(nl + 1, nl + 1 + size));
    pos = nl + 1 + size + 1;
  }
  return blobs;
}

/** The Message-ID (without <>) of raw mail, by plain header matching, or null. */
export function headerMessageId(raw: Buffer | string): string | null {
  const text = typeof raw === "string" ? raw : raw.toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  const head = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  const m = /^message-id:[ \t]*<([^<>]+)>/im.exec(head);
  return m ? m[1]!.replace(/\s+/g, "") : null;
}

/** The Message-IDs of an mboxrd (any "From " separator: public-inbox's, lei's, b4's), in order. */
export function mboxMessageIds(mbox: Buffer): string[] {
  return mbox
    .toString("latin1")
    .split(/^From [^\n]*\n/m)
    .filter((entry) => entry !== "")
    .map((entry) => headerMessageId(entry) ?? "(none)");
}
