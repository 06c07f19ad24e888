import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadMigrations } from "../../scripts/lib/migrations";
import { openPg15Database, PG15_UNPRIVILEGED_ROLE, pg15Url } from "../helpers/db";

/** Runs `tsx scripts/migrate.ts …` as the npm scripts do, with its own environment. */
function migrate(args: string[], env: Record<string, string>) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "", NEXUS_WS_PROXY: "", ...env },
    timeout: 120_000,
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

const dataDir = mkdtempSync(join(tmpdir(), "nexus-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const tags = loadMigrations().map((f) => f.tag);

describe("npm run db:migrate / db:rollback / db:status", () => {
  it("on the embedded database in NEXUS_DATA_DIR: migrate, status --json, rollback --steps, re-migrate", () => {
    const env = { NEXUS_DATA_DIR: dataDir };
    const first = migrate(["run"], env);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain(`applied ${tags.length} migration(s) on embedded`);
    expect(first.out).toContain("vector index: hnsw");

    const status = migrate(["status", "--json"], env);
    expect(status.code, status.err).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({
      applied: tags,
      pending: [],
      drifted: [],
      unknown: [],
      vectorIndex: "hnsw",
      ready: true,
    });

    // Back to the first two (extensions, schema): the embedding index migration and later ones are undone.
    const steps = tags.length - 2;
    const back = migrate(["revert", "--steps", String(steps)], env);
    expect(back.code, back.err).toBe(0);
    expect(back.out).toContain(`reverted ${steps} migration(s)`);
    const after = migrate(["status", "--json"], env);
    expect(after.code).toBe(1); // not ready: pending migrations
    expect(JSON.parse(after.out)).toMatchObject({
      applied: tags.slice(0, 2),
      pending: tags.slice(2),
      vectorIndex: "none",
    });

    expect(migrate(["run"], env).code).toBe(0);
    expect(migrate(["run"], env).out).toContain("nothing to apply");
  });

  it("bad arguments get a usage message and exit 2", () => {
    expect(migrate(["sideways"], { NEXUS_DATA_DIR: dataDir }).code).toBe(2);
    const steps = migrate(["revert", "--steps", "zero"], { NEXUS_DATA_DIR: dataDir });
    expect(steps.code).toBe(2);
    expect(steps.err).toContain("--steps takes a whole number");
  });

  it("against PostgreSQL 15 as a role that cannot create pgvector: exits 1 naming the extension, the database unchanged", async () => {
    const db = await openPg15Database("nexus_test_cli_no_pgvector", 1, { owner: PG15_UNPRIVILEGED_ROLE });
    await db.end();
    const url = pg15Url("nexus_test_cli_no_pgvector", PG15_UNPRIVILEGED_ROLE);
    const run = migrate(["run"], { DATABASE_URL: url });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /0000_extensions failed and was rolled back: permission denied to create extension "vector"/,
    );
    const status = migrate(["status", "--json"], { DATABASE_URL: url });
    expect(JSON.parse(status.out)).toMatchObject({ applied: [], pending: tags });
  });
});
