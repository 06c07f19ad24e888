import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPglite } from "../../scripts/lib/embedded";
import { loadMigrations } from "../../scripts/lib/migrations";
import { openPg15Database } from "../helpers/db";

/** Runs `tsx scripts/…` as the npm scripts do, on an embedded database of its own. */
function run(script: string, args: string[], dataDir: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "", NEXUS_WS_PROXY: "", NEXUS_DATA_DIR: dataDir, ...env },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dataDir = mkdtempSync(join(tmpdir(), "nexus-import-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("npm run import on the embedded database", () => {
  it("migrates a new embedded database, imports, summarises, then vacuums and analyzes (PGlite has no autovacuum); bad input exits non-zero", async () => {
    const ok = run("scripts/import.ts", ["scripts/sample/wcn36xx.mbox", "--list", "wcn36xx"], dataDir);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(`applied ${loadMigrations().length} migration(s)`);
    expect(ok.out).toMatch(/imported 39, duplicates skipped 0, deleted 0, rejected 0/);
    expect(ok.out).toContain("vacuum analyze");
    // ANALYZE left planner statistics behind (pg_stats is empty for a table never analyzed)
    const pg = await createPglite({ dataDir: join(dataDir, "pglite") });
    try {
      const stats = await pg.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'emails'",
      );
      expect(stats.rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await pg.close();
    }

    const again = run("scripts/import.ts", ["scripts/sample/wcn36xx.mbox", "--list", "wcn36xx"], dataDir);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/imported 0, duplicates skipped 39/);
    expect(again.out).not.toContain("vacuum analyze");
    expect(again.out).not.toContain("applied");

    const missing = run("scripts/import.ts", ["no/such/file.mbox", "--list", "wcn36xx"], dataDir);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("no such file or folder");
    const usage = run("scripts/import.ts", ["scripts/sample/wcn36xx.mbox"], dataDir);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("usage:");
  }, 180_000);

  it("refuses a server whose migrations are pending, saying what to run, and writes nothing", async () => {
    const db = await openPg15Database("nexus_test_import_unmigrated");
    const url = "postgresql://postgres@127.0.0.1:5432/nexus_test_import_unmigrated";
    try {
      const r = run("scripts/import.ts", ["scripts/sample/wcn36xx.mbox", "--list", "wcn36xx"], dataDir, {
        DATABASE_URL: url,
      });
      expect(r.code).toBe(1);
      expect(r.err).toContain("pending: 0000_extensions");
      expect(r.err).toContain("run npm run db:migrate first");
      const tables = await db.pool.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public'");
      expect(tables.rowCount).toBe(0);
    } finally {
      await db.end();
    }
  });
});
