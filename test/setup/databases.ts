import type { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";
import WebSocket from "ws";
import { createDatabase } from "../../db/client";
import { startBridge } from "../../scripts/lib/bridge";
import { createPglite } from "../../scripts/lib/embedded";
import { applyMigrations } from "../../scripts/lib/migrations";

/**
 * Global setup for the `db` and `worker` projects: one bridge in the main process serving in-memory PGlite
 * databases by name. A name starting with `fresh_` is an empty Postgres; any other name is a copy of a
 * database with every migration applied. Copies load from a dump (~1 s) instead of running initdb (~8 s).
 */
declare module "vitest" {
  export interface ProvidedContext {
    /** NEXUS_WS_PROXY for tests: the bridge address. */
    bridge: string;
  }
}

export default async function setup(project: TestProject) {
  const instances = new Map<string, Promise<PGlite>>();
  const fresh = await createPglite();
  const freshDump = await fresh.dumpDataDir("none");
  await fresh.close();
  let migratedDump: Blob | undefined;

  const bridge = await startBridge({
    pglite: (name) => {
      let pg = instances.get(name);
      if (!pg) {
        const empty = name.startsWith("fresh_") || name === "template_migrated";
        pg = createPglite({ loadDataDir: empty ? freshDump : migratedDump });
        instances.set(name, pg);
      }
      return pg;
    },
  });

  async function buildMigrated(): Promise<Blob> {
    const db = createDatabase({
      url: "postgresql://postgres@pglite:5432/template_migrated",
      wsProxy: bridge.address,
      webSocketConstructor: WebSocket,
      poolMax: 1,
    });
    await applyMigrations(db.pool);
    await db.end();
    const pg = await instances.get("template_migrated")!;
    return pg.dumpDataDir("none");
  }

  // Built before any test runs, so a test's first connection only waits for a copy (~1 s).
  const t0 = Date.now();
  migratedDump = await buildMigrated();
  console.log(`test databases: migrated template ready in ${Date.now() - t0} ms`);
  project.provide("bridge", bridge.address);
  return async () => {
    await bridge.close();
    for (const pg of instances.values()) await (await pg).close().catch(() => {});
  };
}
