import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { IngestItem } from "../../functions/ingest/prepare";
import { MboxSplitter } from "../../functions/mail/mbox";

/** What `npm run import` can read. */
export type SourceKind = "inbox" | "epoch" | "mbox" | "maildir";

export interface Epoch {
  order: number;
  gitDir: string;
}

export function detectSource(path: string): { kind: SourceKind; epochs: Epoch[] } {
  const p = resolve(path);
  if (!existsSync(p)) throw new Error(`no such file or folder: ${path}`);
  if (statSync(p).isFile()) return { kind: "mbox", epochs: [] };
  const gitRoot = join(p, "git");
  if (existsSync(gitRoot) && statSync(gitRoot).isDirectory()) {
    const epochs = readdirSync(gitRoot)
      .map((name) => /^(\d+)\.git$/.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ order: Number(m[1]), gitDir: join(gitRoot, m[0]) }))
      .sort((a, b) => a.order - b.order);
    if (epochs.length > 0) return { kind: "inbox", epochs };
  }
  if (existsSync(join(p, "HEAD")) && existsSync(join(p, "objects"))) {
    const m = /^(\d+)\.git$/.exec(basename(p));
    return { kind: "epoch", epochs: [{ order: m ? Number(m[1]) : 0, gitDir: p }] };
  }
  return { kind: "maildir", epochs: [] };
}

function git(gitDir: string, args: string[]): string {
  const r = spawnSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** The commit range still to import: everything after `since` when it is an ancestor of HEAD, else all. */
export function epochRange(
  gitDir: string,
  since: string | null,
): { range: string[]; head: string | null; count: number } {
  const head =
    spawnSync("git", ["--git-dir", gitDir, "rev-parse", "--verify", "-q", "HEAD"], {
      encoding: "utf8",
    }).stdout.trim() || null;
  if (!head) return { range: [], head: null, count: 0 };
  let range = ["HEAD"];
  if (since) {
    const ok =
      spawnSync("git", ["--git-dir", gitDir, "merge-base", "--is-ancestor", since, "HEAD"]).status === 0;
    if (ok) range = [`${since}..HEAD`];
  }
  const count = Number(git(gitDir, ["rev-list", "--count", ...range]));
  return { range, head, count };
}

export interface EpochCommit {
  sha: string;
  time: Date;
  /** blob id of the message (`m`) this commit adds */
  message?: string;
  /** blob id of a deleted message (`d`) */
  deletion?: string;
}

/** Streams `git log --reverse --raw` of a range: one commit at a time, never the whole epoch in memory. */
export async function* epochCommits(gitDir: string, range: string[]): AsyncGenerator<EpochCommit> {
  const child = spawn("git", [
    "--git-dir",
    gitDir,
    "log",
    "--reverse",
    "--root",
    "--no-renames",
    "--raw",
    "--no-abbrev",
    "--format=%x00%H %ct",
    ...range,
  ]);
  child.stderr.resume();
  let current: EpochCommit | null = null;
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.startsWith("\u0000")) {
      if (current) yield current;
      const [sha, ct] = line.slice(1).split(" ");
      current = { sha: sha!, time: new Date(Number(ct) * 1000) };
    } else if (line.startsWith(":") && current) {
      const m = /^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) ([AMT])\S*\t(.+)$/.exec(line);
      if (m?.[3] === "m") current.message = m[1]!;
      else if (m?.[3] === "d") current.deletion = m[1]!;
    }
  }
  if (current) yield current;
  const code: number | null = await new Promise((res) =>
    child.exitCode !== null ? res(child.exitCode) : child.on("close", res),
  );
  if (code !== 0) throw new Error(`git log failed in ${gitDir} (exit ${code})`);
}

/** A long-running `git cat-file --batch`: blobs by id, in request order. */
export class BlobReader {
  private child: ChildProcessWithoutNullStreams;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private ended = false;
  /** the read() calls, one after another */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(gitDir: string) {
    this.child = spawn("git", ["--git-dir", gitDir, "cat-file", "--batch"]);
    this.child.stderr.resume();
    this.child.stdout.on("data", (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.waiting?.();
    });
    this.child.stdout.on("end", () => {
      this.ended = true;
      this.waiting?.();
    });
  }

  private async need(n: number): Promise<void> {
    while (this.buffer.length < n) {
      if (this.ended) throw new Error("git cat-file ended early");
      await new Promise<void>((res) => {
        this.waiting = res;
      });
      this.waiting = null;
    }
  }

  /**
   * Read several blobs: the requests are written at once, the answers read in order. Calls take turns (one
   * git process answers them all, in the order asked).
   */
  read(ids: string[]): Promise<Uint8Array[]> {
    const turn = this.queue.then(() => this.readNow(ids));
    this.queue = turn.catch(() => {});
    return turn;
  }

  private async readNow(ids: string[]): Promise<Uint8Array[]> {
    if (ids.length === 0) return [];
    this.child.stdin.write(`${ids.join("\n")}\n`);
    const out: Uint8Array[] = [];
    for (const id of ids) {
      let nl = this.buffer.indexOf(10);
      while (nl < 0) {
        await this.need(this.buffer.length + 1);
        nl = this.buffer.indexOf(10);
      }
      const header = this.buffer.subarray(0, nl).toString("utf8");
      const m = /^([0-9a-f]+) blob (\d+)$/.exec(header);
      if (!m) throw new Error(`git cat-file: unexpected answer for ${id}: ${header}`);
      const size = Number(m[2]);
      await this.need(nl + 1 + size + 1);
      out.push(new Uint8Array(this.buffer.subarray(nl + 1, nl + 1 + size)));
      this.buffer = this.buffer.subarray(nl + 1 + size + 1);
    }
    return out;
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** A batch of epoch commits whose blobs are still to be read (by whichever thread prepares the batch). */
export interface GitBatch {
  gitDir: string;
  epoch: number;
  commits: EpochCommit[];
}

/** One BlobReader per git folder, kept open across batches. */
export class BlobReaders {
  private readers = new Map<string, BlobReader>();

  get(gitDir: string): BlobReader {
    let reader = this.readers.get(gitDir);
    if (!reader) {
      reader = new BlobReader(gitDir);
      this.readers.set(gitDir, reader);
    }
    return reader;
  }

  close(): void {
    for (const reader of this.readers.values()) reader.close();
    this.readers.clear();
  }
}

/** The messages a batch of commits adds, and the messages its deletion commits remove. */
export async function readGitBatch(
  readers: BlobReaders,
  batch: GitBatch,
): Promise<{ items: IngestItem[]; deletions: Uint8Array[] }> {
  const blobs = readers.get(batch.gitDir);
  const added = batch.commits.filter((c) => c.message);
  const messages = await blobs.read(added.map((c) => c.message!));
  const deletions = await blobs.read(batch.commits.filter((c) => c.deletion).map((c) => c.deletion!));
  const items = added.map((c, i) => ({
    bytes: messages[i]!,
    sourceDate: c.time,
    commit: c.sha,
    epoch: batch.epoch,
  }));
  return { items, deletions };
}

/** Messages of an mbox / mboxrd file, streamed: only the message being read is held in memory. */
export async function* mboxItems(path: string): AsyncGenerator<IngestItem> {
  const splitter = new MboxSplitter();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (const e of splitter.push(chunk)) yield { bytes: e.bytes, sourceDate: e.fromLineDate };
  }
  for (const e of splitter.end()) yield { bytes: e.bytes, sourceDate: e.fromLineDate };
}

/** Files of a maildir (cur/, new/) or of any folder of one-message files, in name order. */
export function maildirFiles(path: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith(".")) continue;
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (name !== "tmp") walk(p);
      } else if (st.isFile()) out.push(p);
    }
  };
  walk(resolve(path));
  return out;
}

export function maildirItem(path: string): IngestItem {
  return { bytes: new Uint8Array(readFileSync(path)), sourceDate: statSync(path).mtime };
}
