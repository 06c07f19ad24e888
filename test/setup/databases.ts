import { type AddressInfo, createServer, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "@neondatabase/serverless";
import type { TestProject } from "vitest/node";
import WebSocket from "ws";
import { createDatabase } from "../../db/client";
import { startBridge } from "../../scripts/lib/bridge";
import { createPglite } from "../../scripts/lib/embedded";
import { applyMigrations } from "../../scripts/lib/migrations";

/**
 * Global setup for the `db` and `worker` projects: one bridge in the main process serving test databases by
 * name (the host `pglite` of a URL). A name starting with `fresh_` is an empty Postgres; any other name is a
 * copy of a database with every migration applied.
 * - embedded (`db`, `worker`): each name is an in-memory PGlite; copies load from a dump (~1 s) instead of
 *   running initdb (~8 s).
 * - native (`db-native`, `worker-native`): each name is a database on the machine's PostgreSQL 15 with
 *   pgvector, created on first use from a migrated template (or template0), named with the project's prefix
 *   so projects running at once never share one; all of them are dropped at the end.
 */
declare module "vitest" {
  export interface ProvidedContext {
    /** NEXUS_WS_PROXY for tests: the bridge address. */
    bridge: string;
    /** Which server the test databases live on. */
    databaseTarget: DatabaseTarget;
    /**
     * `127.0.0.1:PORT` of a server that accepts TCP connections and never answers, as a pooler does while it
     * queues clients for a full pool: tests of bounded waits point DATABASE_URL there.
     */
    silentServer: string;
  }
}

export type DatabaseTarget = "embedded" | "native";

/** The native target's server: the machine's PostgreSQL 15 (trust auth, pgvector built by .ci/run). */
const NATIVE = { host: "127.0.0.1", port: 5432, user: "postgres" } as const;

export default async function setup(project: TestProject) {
  const target: DatabaseTarget = project.name.endsWith("-native") ? "native" : "embedded";
  project.provide("databaseTarget", target);
  const silent = await startSilentServer();
  project.provide("silentServer", silent.address);
  const teardown = target === "native" ? await setupNative(project) : await setupEmbedded(project);
  return async () => {
    await teardown();
    await silent.close();
  };
}

async function startSilentServer() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function setupEmbedded(project: TestProject) {
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

async function setupNative(project: TestProject) {
  // The run's process id is in the name, so two runs at once (a CI check beside a developer's run) never
  // share or drop each other's databases; a killed run's are dropped by the next one, once its process is gone.
  const family = `nexus_t_${project.name.replace(/\W/g, "_")}_`;
  const prefix = `${family}${process.pid}_`;
  const template = `${prefix}template`;
  const bridge = await startBridge({ native: (name) => created(name) });
  const open = (database: string, poolMax = 1) =>
    createDatabase({
      url: `postgresql://${NATIVE.user}@${NATIVE.host}:${NATIVE.port}/${database}`,
      wsProxy: bridge.address,
      webSocketConstructor: WebSocket,
      poolMax,
    });
  // A short-lived pool for each piece of administration: the tests count the bridge's open connections.
  const admin = async <T>(fn: (pool: Pool) => Promise<T>): Promise<T> => {
    const database = open("postgres");
    try {
      return await fn(database.pool);
    } finally {
      await database.end();
    }
  };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  };
  /** This run's databases, or (leftovers) those of runs whose process is gone. */
  const drop = (which: "mine" | "dead") =>
    admin(async (pool) => {
      const { rows } = await pool.query<{ datname: string }>(
        "select datname from pg_database where starts_with(datname, $1)",
        [which === "mine" ? prefix : family],
      );
      for (const { datname } of rows) {
        const pid = Number(/^(\d+)_/.exec(datname.slice(family.length))?.[1]);
        if (which === "dead" && pid > 0 && alive(pid)) continue; // NaN (no pid in the name) is dropped
        await pool.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
      }
    });

  // One CREATE DATABASE at a time (each copies its template, which must have no other session meanwhile).
  const databases = new Map<string, Promise<string>>();
  let creating: Promise<unknown> = Promise.resolve();
  function created(name: string): Promise<{ host: string; port: number; user: string; database: string }> {
    let database = databases.get(name);
    if (!database) {
      if (!/^[a-z0-9_]+$/.test(name) || prefix.length + name.length > 63) {
        return Promise.reject(new Error(`test database name ${name} is not a short lower-case identifier`));
      }
      const from = name.startsWith("fresh_") ? "template0" : template;
      const run = creating.then(async () => {
        await admin((pool) => pool.query(`CREATE DATABASE "${prefix}${name}" TEMPLATE "${from}"`));
        return `${prefix}${name}`;
      });
      creating = run.catch(() => {});
      database = run;
      databases.set(name, database);
    }
    return database.then((db) => ({ ...NATIVE, database: db }));
  }

  const t0 = Date.now();
  await drop("dead"); // what a killed run left behind
  await admin((pool) => pool.query(`CREATE DATABASE "${template}" TEMPLATE template0`));
  const migrated = open(template);
  await applyMigrations(migrated.pool);
  await migrated.end();
  // the template's last session must be gone before CREATE DATABASE … TEMPLATE copies it
  await admin(async (pool) => {
    for (let i = 0; i < 50; i++) {
      const { rows } = await pool.query(
        "select count(*)::int as n from pg_stat_activity where datname = $1",
        [template],
      );
      if (rows[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  console.log(
    `test databases (${project.name}): migrated template on PostgreSQL 15 ready in ${Date.now() - t0} ms`,
  );
  project.provide("bridge", bridge.address);
  return async () => {
    await drop("mine").catch((error) =>
      console.error(`${project.name}: dropping test databases failed`, error),
    );
    await bridge.close();
  };
}
