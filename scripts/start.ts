// npm start: the embedded default. Opens PGlite in NEXUS_DATA_DIR (default .data/), serves it through the local
// WebSocket bridge, applies migrations, imports the sample archive on first start, and runs the Worker in workerd
// through Miniflare (the cron handler open at /cdn-cgi/handler/scheduled) at http://127.0.0.1:8787 (PORT
// overrides). Ctrl-C stops everything.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import WebSocket from "ws";
import { createDatabase } from "../db/client";
import { dataDir, EMBEDDED_URL } from "./lib/embedded";
import { type EmbeddedServer, serveEmbedded } from "./lib/embedded-server";
import { importSource } from "./lib/import-source";
import { applyMigrations } from "./lib/migrations";
import { startWorker, type WorkerServer } from "./lib/worker-server";

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const port = Number(process.env.PORT || 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a TCP port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}
const dir = dataDir();
const root = resolve(import.meta.dirname, "..");

let server: EmbeddedServer;
try {
  server = await serveEmbedded(dir, {
    vacuum: {
      onVacuum: (ms) => console.log(`[${elapsed()}] vacuum analyze after writes: ${(ms / 1000).toFixed(1)}s`),
      onError: (error) => console.error(`[${elapsed()}] vacuum analyze failed: ${error.message}`),
    },
  });
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
console.log(`[${elapsed()}] embedded Postgres open in ${dir}, bridge on ${server.address}`);

let worker: WorkerServer | undefined;
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await worker?.stop();
  await server.close();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

try {
  const db = createDatabase({
    url: EMBEDDED_URL,
    wsProxy: server.address,
    webSocketConstructor: WebSocket,
    poolMax: 2,
  });
  const { applied } = await applyMigrations(db.pool, undefined, (tag) => console.log(`  applying ${tag}`));
  console.log(`[${elapsed()}] migrations: ${applied.length ? `applied ${applied.length}` : "up to date"}`);
  const seeded = join(dir, "sample-imported");
  if (!existsSync(seeded)) {
    const summary = await importSource(db.pool, {
      source: join(root, "scripts/sample/wcn36xx.mbox"),
      slug: "wcn36xx",
      name: "wcn36xx (sample)",
    });
    writeFileSync(seeded, new Date().toISOString());
    console.log(`[${elapsed()}] sample archive: ${summary.imported} messages imported into list wcn36xx`);
  }
  await db.end();
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  await stop(1);
}

/** A secret kept in the data folder (mode 600), made on the first start. */
const secretFile = (name: string) => {
  const file = join(dir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
};
const tokenFile = join(dir, "admin-token");
const adminToken = process.env.ADMIN_TOKEN || secretFile("admin-token");
// signs the access tokens of local sign-ins
const jwtSecret = process.env.JWT_SECRET || secretFile("jwt-secret");

const vars = {
  DATABASE_URL: EMBEDDED_URL,
  NEXUS_WS_PROXY: server.address,
  ADMIN_TOKEN: adminToken,
  JWT_SECRET: jwtSecret,
};
worker = startWorker({ port, vars });

// Tell the operator when the API answers ready.
try {
  await worker.ready(120_000);
  const base = worker.base;
  console.log(`[${elapsed()}] Nexus is ready at ${base}  (API ${base}/api/v1/lists, docs ${base}/api/docs)`);
  console.log(`  admin token (Authorization: Bearer …): ${adminToken}  — saved in ${tokenFile}`);
  console.log(
    "  first admin account: npm run user:create -- --email you@example.org --admin  (asks the password)",
  );
  console.log(
    `  cron: curl "${base}/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*"   ·   Ctrl-C stops everything; data stays in ${dir}`,
  );
} catch (error) {
  if (!stopping) {
    console.error(`error: ${(error as Error).message}`);
    await stop(1);
  }
}
