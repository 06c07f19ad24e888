import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import WebSocket from "ws";
import { createDatabase } from "../../db/client";
import { freePort } from "../../scripts/lib/lore-peers";
import { applyMigrations } from "../../scripts/lib/migrations";
import { startCluster } from "../../scripts/lib/pg-cluster";

/**
 * Global setup (worker-native, after databases.ts): a private PostgreSQL 15 cluster (initdb in a temp folder,
 * a free port, trust auth; pgvector is installed for every cluster of the machine) with a migrated database
 * `nexus`, which fault tests may stop and start — never the shared server on 5432, which other tests use at
 * the same time. The Workers runtime cannot run programs, so a small HTTP server on 127.0.0.1 does it for
 * them: POST /stop (fast shutdown: sessions are terminated), POST /start, POST /hold/N (N connections kept
 * open) and POST /release.
 */
declare module "vitest" {
  export interface ProvidedContext {
    privateCluster?: { url: string; control: string };
  }
}

export default async function setup(project: TestProject) {
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "nexus-cluster-"));
  const cluster = startCluster({
    dir,
    port: await freePort(),
    settings: { fsync: "off", max_connections: 40 },
  });
  const port = cluster.port;

  const bridge = project.getProvidedContext().bridge;
  const open = (database: string, poolMax = 1) =>
    createDatabase({
      url: `postgresql://postgres@127.0.0.1:${port}/${database}`,
      wsProxy: bridge,
      webSocketConstructor: WebSocket,
      poolMax,
    });
  const admin = open("postgres");
  await admin.pool.query("CREATE DATABASE nexus");
  await admin.end();
  const nexus = open("nexus");
  await applyMigrations(nexus.pool);
  await nexus.end();

  // connections held open by POST /hold/N, so a test can leave the server only a few free ones
  let held: { db: ReturnType<typeof open>; clients: { release(destroy: boolean): void }[] } | undefined;
  const release = async () => {
    if (!held) return;
    const { db, clients } = held;
    held = undefined;
    for (const client of clients) client.release(true);
    await db.end();
  };
  const hold = async (n: number) => {
    await release();
    const db = open("nexus", n);
    held = { db, clients: [] };
    for (let i = 0; i < n; i++) {
      const client = await db.pool.connect();
      client.on("error", () => {}); // a stop by another test ends it
      held.clients.push(client);
    }
  };

  const control = createServer(async (req, res) => {
    try {
      const holding = req.url?.match(/^\/hold\/(\d+)$/);
      if (req.method === "POST" && req.url === "/stop") cluster.stop("fast");
      else if (req.method === "POST" && req.url === "/start") cluster.start();
      else if (req.method === "POST" && holding) await hold(Number(holding[1]));
      else if (req.method === "POST" && req.url === "/release") await release();
      else return res.writeHead(404).end();
      res.writeHead(200).end("ok");
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  project.provide("privateCluster", {
    url: `postgresql://postgres@127.0.0.1:${port}/nexus`,
    control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  });
  console.log(`private PostgreSQL 15 cluster on port ${port} ready in ${Date.now() - t0} ms`);
  return async () => {
    await new Promise<void>((resolve) => control.close(() => resolve()));
    await release().catch(() => undefined);
    try {
      cluster.stop("immediate");
    } catch {
      // already stopped by a test
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
