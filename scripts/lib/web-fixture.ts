import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import WebSocket from "ws";
import { createDatabase } from "../../db/client";
import { EMBEDDED_URL, runningServer } from "./embedded";
import { freePort, KGDB_BUNDLE } from "./lore-peers";

/**
 * `npm start`'s server on a fresh data folder, with the kgdb-bugreport epoch and a list of hostile mail imported
 * next to the sample list: what the browser tests and `npm run bench:web` run against. Everything is started
 * here and stopped by stop() (the server's own process group; start.ts stops wrangler and the database itself).
 */

const root = resolve(import.meta.dirname, "../..");
const CORPUS = resolve(root, "../shared/corpus");

export interface WebFixture {
  base: string;
  dataDir: string;
  /** the kgdb epoch as a git folder (kept until stop) */
  kgdbGit: string;
  /** one query on the server's database, through its bridge */
  query<T>(text: string): Promise<T[]>;
  stop(): Promise<void>;
}

/** A message with a script, javascript: links and broken HTML: it must show as text. */
export const HOSTILE_MESSAGE = [
  "From: Mallory <m@evil.example>",
  "To: list@example.org",
  'Subject: <script>alert("subject")</script> & <b>bold',
  "Message-ID: <evil/one?x#y@evil.example>",
  "Date: Mon, 1 Jan 2024 00:00:00 +0000",
  "Content-Type: text/plain; charset=utf-8",
  "",
  "<script>alert('body')</script>",
  '<a href="javascript:alert(1)">click</a> javascript:alert(2) <img src=x onerror=alert(3)>',
  "<b><i>unclosed <div style='x' onmouseover=\"alert(4)\"> https://ok.example/?a=1&b=<2>",
  "> <script>alert('quoted')</script>",
  "",
].join("\n");

export const HOSTILE_HTML_MESSAGE = [
  "From: Mallory <m@evil.example>",
  "To: list@example.org",
  "Subject: html only",
  "Message-ID: <evil-html@evil.example>",
  "In-Reply-To: <evil/one?x#y@evil.example>",
  "Date: Mon, 1 Jan 2024 01:00:00 +0000",
  "Content-Type: text/html; charset=utf-8",
  "",
  '<html><body><script>alert(5)</script><p onclick="alert(6)">hi <a href="javascript:alert(7)">x</a>',
  '<img src=x onerror=alert(8)><iframe src="data:text/html,<script>alert(9)</script>"></iframe><b>broken',
  "&lt;script&gt;alert(10)&lt;/script&gt;",
].join("\n");

function files(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (name.endsWith(ext)) out.push(p);
  }
  return out;
}

/** The hostile list as a folder of one-message files: ours, and the corpus's fuzz, MIME torture and HyperKitty. */
function hostileMaildir(dir: string): string {
  const cur = join(dir, "hostile", "cur");
  mkdirSync(cur, { recursive: true });
  const sources = [
    ...files(join(CORPUS, "patchwork/fuzz"), ".mbox"),
    ...files(join(CORPUS, "mime"), ".eml"),
    ...files(join(CORPUS, "hyperkitty"), ".txt"),
  ];
  writeFileSync(join(cur, "000-hostile"), HOSTILE_MESSAGE);
  writeFileSync(join(cur, "001-hostile-html"), HOSTILE_HTML_MESSAGE);
  sources.forEach((p, i) => {
    let bytes = readFileSync(p);
    // an mbox file's first line is its separator, not a header
    if (bytes.subarray(0, 5).toString() === "From ") bytes = bytes.subarray(bytes.indexOf(10) + 1);
    writeFileSync(join(cur, `${String(i + 2).padStart(3, "0")}-${p.split("/").pop()}`), bytes);
  });
  return join(dir, "hostile");
}

function run(args: string[], env: NodeJS.ProcessEnv) {
  execFileSync(join(root, "node_modules/.bin/tsx"), args, {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((done, fail) => {
    let out = "";
    const timer = setTimeout(
      () => fail(new Error(`npm start was not ready in ${timeoutMs / 1000} s:\n${out}`)),
      timeoutMs,
    );
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Nexus is ready at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`npm start exited (${code}):\n${out}`));
    });
  });
}

export async function startWebFixture(
  options: { log?: (line: string) => void; hostile?: boolean } = {},
): Promise<WebFixture> {
  const log = options.log ?? (() => {});
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "nexus-web-"));
  const dataDir = join(dir, "data");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXUS_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
  };
  delete env.DATABASE_URL;
  const child = spawn(join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const stop = async () => {
    if (child.pid && !exited) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
      for (let i = 0; i < 50 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
      if (!exited) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const base = await waitForReady(child, 180_000);
    log(`npm start ready at ${base} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    const kgdbGit = join(dir, "0.git");
    execFileSync("git", ["clone", "--quiet", "--mirror", KGDB_BUNDLE, kgdbGit]);
    run(["scripts/import.ts", kgdbGit, "--list", "kgdb-bugreport", "--name", "kgdb bug reports"], env);
    if (options.hostile !== false) {
      run(["scripts/import.ts", hostileMaildir(dir), "--list", "hostile", "--name", "Hostile mail"], env);
    }
    log(
      `kgdb epoch${options.hostile !== false ? " and hostile mail" : ""} imported (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );
    const query = async <T>(text: string) => {
      const db = createDatabase({
        url: EMBEDDED_URL,
        wsProxy: runningServer(dataDir),
        webSocketConstructor: WebSocket,
        poolMax: 1,
      });
      try {
        return (await db.pool.query(text)).rows as T[];
      } finally {
        await db.end();
      }
    };
    return { base, dataDir, kgdbGit, query, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
