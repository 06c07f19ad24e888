import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "nexus-share-"));
const env = { ...process.env, NEXUS_DATA_DIR: dir, DATABASE_URL: "", NEXUS_WS_PROXY: "" };
const tsx = (script: string, ...args: string[]) =>
  [process.execPath, ["--import", "tsx", script, ...args]] as const;
let server: ChildProcess | undefined;

afterAll(() => {
  server?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `npm run db:serve` on the folder and resolves with its bridge address once it serves. */
function serve(): Promise<{ child: ChildProcess; bridge: string }> {
  const [cmd, args] = tsx("scripts/db-serve.ts");
  const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /served on bridge (\S+)/.exec(out);
      if (m) resolve({ child, bridge: m[1]! });
    });
    child.on("exit", (code) => reject(new Error(`db:serve exited ${code}: ${out}`)));
  });
}

describe("one process owns the embedded folder; scripts share it through its bridge", () => {
  it("while db:serve holds the folder, db:migrate goes through its bridge and a second server is refused", async () => {
    const started = await serve();
    server = started.child;

    const [cmd, args] = tsx("scripts/migrate.ts", "run");
    const migrate = spawnSync(cmd, args, { env, encoding: "utf8", timeout: 120_000 });
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/applied \d+ migration\(s\) on embedded/);

    const [cmd2, args2] = tsx("scripts/db-serve.ts");
    const second = spawnSync(cmd2, args2, { env, encoding: "utf8", timeout: 60_000 });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`is open in process ${server.pid}`);

    // The server stops cleanly on SIGTERM and releases the folder: scripts then open it themselves.
    const exited = new Promise((r) => server!.on("exit", r));
    server.kill("SIGTERM");
    await exited;
    server = undefined;
    const [cmd3, args3] = tsx("scripts/migrate.ts", "status", "--json");
    const status = spawnSync(cmd3, args3, { env, encoding: "utf8", timeout: 120_000 });
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ target: "embedded", pending: [], ready: true });
  }, 180_000);
});
