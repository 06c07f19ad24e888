import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPglite } from "../../scripts/lib/embedded";

/**
 * Issue 10: the database dies mid-import. The embedded database runs as its own process (`npm run
 * db:serve`), the import CLI writes to it, and the server is killed (SIGKILL) once the first batches are in.
 * The import stops at once, non-zero, saying the database went away; after a restart, the same command
 * completes and every message is stored exactly once.
 */
const BUNDLE = resolve(import.meta.dirname, "../../../shared/corpus/publicinbox-v2/kgdb-bugreport.0.bundle");
const work = mkdtempSync(join(tmpdir(), "nexus-kill-"));
const dataDir = join(work, "data");
const epoch = join(work, "git/0.git");
execFileSync("git", ["clone", "-q", "--mirror", BUNDLE, epoch]);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

const env = { ...process.env, DATABASE_URL: "", NEXUS_WS_PROXY: "", NEXUS_DATA_DIR: dataDir };
function start(script: string, args: string[] = []) {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { env });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  const until = async (pattern: RegExp, ms = 60_000) => {
    const t0 = Date.now();
    while (!pattern.test(out)) {
      if (child.exitCode !== null) throw new Error(`${script} exited: ${out}\n${err}`);
      if (Date.now() - t0 > ms) throw new Error(`${script}: no ${pattern} in ${ms} ms: ${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, exited, until, output: () => ({ out, err }) };
}

describe("the database killed mid-import", () => {
  it("stops the import with a clear message; a re-run completes with every message once", {
    timeout: 240_000,
  }, async () => {
    const server = start("scripts/db-serve.ts");
    await server.until(/served on bridge/);
    const first = start("scripts/import.ts", [epoch, "--list", "kgdb", "--batch", "100"]);
    // the first batch is committed (its progress line), many are still to come
    await first.until(/^\d+\/2358 read · [1-9]\d* imported/m, 120_000);
    server.child.kill("SIGKILL");
    await server.exited;
    const code = await first.exited;
    const { out, err } = first.output();
    expect(code, out + err).toBe(1);
    expect(err).toMatch(/import failed: lost the connection to the database/);
    expect(err).toMatch(/run the import again/);

    const again = start("scripts/db-serve.ts");
    await again.until(/served on bridge/);
    const second = start("scripts/import.ts", [epoch, "--list", "kgdb"]);
    expect(await second.exited, second.output().err).toBe(0);
    expect(second.output().out).toMatch(/rejected 0/);
    again.child.kill("SIGTERM");
    await again.exited;

    const pg = await createPglite({ dataDir: join(dataDir, "pglite") });
    try {
      const { rows } = await pg.query<{ n: number; distinct_ids: number }>(
        "SELECT count(*)::int n, count(DISTINCT message_id)::int distinct_ids FROM emails",
      );
      // 2,358 commits: 3 repeat a Message-ID already in the epoch
      expect(rows[0]).toEqual({ n: 2355, distinct_ids: 2355 });
    } finally {
      await pg.close();
    }
  });
});
