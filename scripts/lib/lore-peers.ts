import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import WebSocket from "ws";
import { createDatabase } from "../../db/client";
import { EMBEDDED_URL } from "./embedded";
import { serveEmbedded } from "./embedded-server";
import { importSource } from "./import-source";
import { applyMigrations } from "./migrations";
import { startWorker } from "./worker-server";

/**
 * The two servers the lore face is compared against (tests in test/peers, npm run bench:lore), on the same
 * public-inbox v2 epoch: public-inbox's own `public-inbox-httpd` (Debian's public-inbox 1.9) serving a v2 inbox
 * built with public-inbox-init -V2 and public-inbox-index, and Nexus in workerd (as `npm start` runs it) on an
 * embedded database the epoch was imported into. Both listen on 127.0.0.1 only.
 */

const root = resolve(import.meta.dirname, "../..");
export const KGDB_BUNDLE = resolve(root, "../shared/corpus/publicinbox-v2/kgdb-bugreport.0.bundle");
export const KGDB_LIST = "kgdb-bugreport";
/** Built reference inboxes, by the bundle's checksum (git-ignored). */
const CACHE = resolve(root, ".cache/lore-reference");

export interface Server {
  /** `http://127.0.0.1:PORT` */
  base: string;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

/** The epoch as grokmirror would clone it. */
export function cloneEpoch(bundle: string, gitDir: string): void {
  execFileSync("git", ["clone", "--quiet", "--mirror", bundle, gitDir]);
}

function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** An environment for public-inbox's tools that reads no user configuration. */
export function publicInboxEnv(home: string, config: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, PI_CONFIG: config, LANG: "C.UTF-8", TZ: "UTC" };
}

/**
 * A public-inbox v2 inbox of the bundle's epoch: `public-inbox-init -V2`, the epoch cloned in as git/0.git, then
 * `public-inbox-index` (about 16 s on the kgdb epoch). Built once per bundle checksum under .cache/.
 */
export function referenceInbox(bundle: string, list: string): string {
  const dir = join(CACHE, sha256File(bundle).slice(0, 16), list);
  if (existsSync(join(dir, "msgmap.sqlite3"))) return dir;
  mkdirSync(join(CACHE), { recursive: true });
  const work = mkdtempSync(join(CACHE, "build-"));
  try {
    const inbox = join(work, list);
    const env = publicInboxEnv(work, join(work, "config"));
    execFileSync("public-inbox-init", ["-V2", list, inbox, `http://127.0.0.1/${list}`, `${list}@localhost`], {
      env,
      stdio: "ignore",
    });
    rmSync(join(inbox, "git/0.git"), { recursive: true, force: true });
    cloneEpoch(bundle, join(inbox, "git/0.git"));
    // messages git holds twice are reported ("is a duplicate") and indexed once, as the Nexus importer does
    execFileSync("public-inbox-index", ["--no-fsync", inbox], { env, stdio: "ignore" });
    mkdirSync(resolve(dir, ".."), { recursive: true });
    renameSync(inbox, dir);
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function waitFor(url: string, child: ChildProcess, what: string, timeoutMs = 60_000): Promise<void> {
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (exited) throw new Error(`${what} exited before it answered`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer within ${timeoutMs / 1000} s`);
}

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (!child.pid || child.exitCode !== null) return done();
    child.once("exit", () => done());
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      done();
    }
    setTimeout(done, 3000).unref();
  });
}

/** public-inbox-httpd serving one inbox on 127.0.0.1. */
export async function startPublicInboxHttpd(inbox: string, list: string): Promise<Server> {
  const home = mkdtempSync(join(tmpdir(), "nexus-pi-"));
  const config = join(home, "config");
  writeFileSync(
    config,
    `[publicinbox "${list}"]\n\taddress = ${list}@localhost\n\turl = http://127.0.0.1/${list}\n\tinboxdir = ${inbox}\n`,
  );
  let child: ChildProcess;
  let base: string;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    child = spawn("public-inbox-httpd", ["-l", `http://127.0.0.1:${port}`, "-W", "1"], {
      env: publicInboxEnv(home, config),
      detached: true,
      stdio: "ignore",
    });
    base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(`${base}/${list}/_/text/help/`, child, "public-inbox-httpd");
      break;
    } catch (error) {
      await stopGroup(child);
      if (attempt === 3) throw error; // the port may have been taken meanwhile
    }
  }
  return {
    base,
    async stop() {
      await stopGroup(child);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Nexus on the embedded default (as `npm start` runs it): PGlite in a temporary folder behind the bridge, the
 * migrations, the epoch imported with the importer, VACUUM ANALYZE, then the Worker in workerd (worker-server.ts).
 */
export async function startNexus(gitDir: string, list: string): Promise<Server & { bridge: string }> {
  const data = mkdtempSync(join(tmpdir(), "nexus-lore-"));
  const embedded = await serveEmbedded(join(data, "db"), { publish: false });
  const database = createDatabase({
    url: EMBEDDED_URL,
    wsProxy: embedded.address,
    webSocketConstructor: WebSocket,
    poolMax: 1,
  });
  let worker: ReturnType<typeof startWorker> | undefined;
  const stop = async () => {
    await worker?.stop();
    await database.end().catch(() => {});
    await embedded.close();
    rmSync(data, { recursive: true, force: true });
  };
  try {
    await applyMigrations(database.pool);
    await importSource(database.pool, { source: gitDir, slug: list });
    await database.pool.query("VACUUM ANALYZE");
    // port 0: the runtime binds a free port itself (no race with the tests of other checkouts running beside these)
    worker = startWorker({
      port: 0,
      vars: { DATABASE_URL: EMBEDDED_URL, NEXUS_WS_PROXY: embedded.address },
      output: "ignore",
    });
    await worker.ready(120_000);
    return { base: worker.base, bridge: embedded.address, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
