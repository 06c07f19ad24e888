import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../db/migrations.manifest";
import { loadMigrations } from "../../scripts/lib/migrations";

// What CI must refuse: a schema change without its generated migration, a stale Worker manifest, a missing down.
describe("migrations are current", () => {
  const files = loadMigrations();

  it("every migration in the journal has a handwritten down file", () => {
    expect(files.filter((f) => !f.hasDown).map((f) => `drizzle/${f.tag}.down.sql`)).toEqual([]);
  });

  it("the manifest bundled into the Worker matches drizzle/ (npm run db:manifest)", () => {
    expect(MIGRATIONS).toEqual(files.map(({ tag, when, hash, hasDown }) => ({ tag, when, hash, hasDown })));
  });

  it("drizzle-kit generate finds no schema change that lacks a migration", () => {
    const out = mkdtempSync(join(tmpdir(), "nexus-drizzle-"));
    try {
      cpSync("drizzle", out, { recursive: true });
      const before = readdirSync(out).sort();
      const run = spawnSync(
        join("node_modules", ".bin", "drizzle-kit"),
        [
          "generate",
          "--dialect",
          "postgresql",
          "--schema",
          "./db/schema/index.ts",
          "--out",
          out,
          "--name",
          "ci_check",
        ],
        { encoding: "utf8", timeout: 60_000 },
      );
      expect(run.status, run.stderr).toBe(0);
      expect(
        readdirSync(out).sort(),
        `${run.stdout}\nrun npx drizzle-kit generate and write the down file`,
      ).toEqual(before);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
