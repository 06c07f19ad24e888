// npm run bench:load — many clients at once against the Worker (workerd through Miniflare, as `npm start` runs it) on the
// kgdb-bugreport epoch, on both database targets in one run: the embedded default (PGlite behind the bridge, one
// session at a time) and the native PostgreSQL with pgvector (a private cluster of this machine's server, real
// sessions). A bounded number of clients each send the next request of a fixed mix (API, search, thread and
// message pages) as soon as the last one answered, for a fixed time. Prints throughput, p50/p99, the answers
// by status and the database connections still open once the load has stopped (leaks). The target `pooled` is
// the native server behind PgBouncer in transaction mode, as Neon's pooled URL (Debian's pgbouncer).
//
//   npm run bench:load -- --clients 100 --seconds 20 --targets embedded,native,pooled
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { createDatabase, type Database } from "../../db/client";
import { escapeMessageId } from "../../functions/publicinbox/message-id-path";
import { startBridge } from "../lib/bridge";
import { EMBEDDED_URL } from "../lib/embedded";
import { serveEmbedded } from "../lib/embedded-server";
import { importSource } from "../lib/import-source";
import { cloneEpoch, freePort, KGDB_BUNDLE, KGDB_LIST } from "../lib/lore-peers";
import { applyMigrations } from "../lib/migrations";
import { startCluster } from "../lib/pg-cluster";
import { havePooler, startPooler } from "../lib/pooler";
import { fmtMs, percentile } from "../lib/stats";
import { startWorker } from "../lib/worker-server";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "100" },
    seconds: { type: "string", default: "20" },
    targets: { type: "string", default: "embedded,native" },
  },
});
const CLIENTS = Number(args.clients);
const SECONDS = Number(args.seconds);
const TARGETS = args.targets.split(",").map((t) => t.trim());
if (!(CLIENTS >= 1) || !(SECONDS > 0) || TARGETS.some((t) => !["embedded", "native", "pooled"].includes(t))) {
  console.error(
    "usage: npm run bench:load -- [--clients N] [--seconds S] [--targets embedded,native,pooled]",
  );
  process.exit(2);
}
if (TARGETS.includes("pooled") && !havePooler()) {
  console.error("the pooled target needs PgBouncer (Debian: apt-get install pgbouncer)");
  process.exit(2);
}
/** A request that has not answered after this long counts as hung (the goal: none; the pool answers 503 first). */
const HUNG_MS = 30_000;

const root = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "nexus-bench-load-"));
const started = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${s}`);
cloneEpoch(KGDB_BUNDLE, join(work, "inbox/git/0.git"));

interface Target {
  /** DATABASE_URL and NEXUS_WS_PROXY for the Worker */
  vars: Record<string, string>;
  database: Database;
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

async function embeddedTarget(): Promise<Target> {
  const server = await serveEmbedded(join(work, "embedded"), { publish: false });
  const database = createDatabase({
    url: EMBEDDED_URL,
    wsProxy: server.address,
    webSocketConstructor: WebSocket,
    poolMax: 1,
  });
  return {
    vars: { DATABASE_URL: EMBEDDED_URL, NEXUS_WS_PROXY: server.address },
    database,
    openConnections: async () =>
      ((await (await fetch(`http://${server.address}/stats`)).json()) as { open: number }).open,
    close: async () => {
      await database.end();
      await server.close();
    },
  };
}

/** The native server, reached by the Worker straight or (pooled) through PgBouncer, as Neon's pooled URL. */
async function nativeTarget(pooled: boolean): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "nexus-bench-load-pg-"));
  const cluster = startCluster({
    // its own folder under the temporary one: the server runs as the postgres user, who cannot enter `work`
    dir,
    port: await freePort(),
    // Neon's pooled endpoint takes thousands of client connections; a bare server needs room for one per request
    settings: { max_connections: 300, shared_buffers: "1GB", random_page_cost: 1.1, jit: "off" },
  });
  const bridge = await startBridge();
  const url = `${cluster.url}/postgres`;
  const pooler = pooled
    ? await startPooler({
        port: await freePort(),
        server: { host: "127.0.0.1", port: cluster.port },
        poolSize: 20,
      })
    : undefined;
  const database = createDatabase({
    url,
    wsProxy: bridge.address,
    webSocketConstructor: WebSocket,
    poolMax: 1,
  });
  return {
    vars: { DATABASE_URL: pooler ? `${pooler.url}/postgres` : url, NEXUS_WS_PROXY: bridge.address },
    database,
    openConnections: async () => bridge.openConnections(),
    close: async () => {
      await database.end();
      await bridge.close();
      pooler?.stop();
      cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The request mix, from facts of the imported epoch: a thread, a message, words to search. */
async function requestMix(database: Database, base: string): Promise<string[]> {
  const { rows } = await database.pool.query(
    `SELECT t.id AS thread, e.id AS email, e.message_id FROM threads t JOIN emails e ON e.id = t.root_email_id
     WHERE t.message_count BETWEEN 5 AND 30 ORDER BY t.id LIMIT 20`,
  );
  const api = `${base}/api/v1/lists/${KGDB_LIST}`;
  const words = ["kgdboc", "s:kdb", "breakpoint", '"serial console"', "f:jason.wessel", "dfn:kdb_main.c"];
  const mix: string[] = [];
  rows.forEach((r: { thread: string; email: string; message_id: string }, i: number) => {
    mix.push(`${api}/threads?pageSize=20&page=${1 + (i % 5)}`);
    mix.push(`${api}/threads/${r.thread}`);
    mix.push(`${api}/emails/${r.email}`);
    mix.push(`${api}/search?q=${encodeURIComponent(words[i % words.length]!)}`);
    mix.push(`${base}/${KGDB_LIST}/${escapeMessageId(r.message_id)}/T/`);
    mix.push(`${base}/${KGDB_LIST}/${escapeMessageId(r.message_id)}/raw`);
  });
  return mix;
}

async function drive(mix: string[]) {
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
  const until = performance.now() + SECONDS * 1000;
  let next = 0;
  const client = async () => {
    while (performance.now() < until) {
      const url = mix[next++ % mix.length]!;
      const t = performance.now();
      try {
        // no-cache: the database's work under load, not the isolate's kept search answers
        const res = await fetch(url, {
          signal: AbortSignal.timeout(HUNG_MS),
          redirect: "manual",
          headers: { "cache-control": "no-cache" },
        });
        await res.arrayBuffer();
        count(String(res.status));
      } catch (error) {
        count((error as Error).name === "TimeoutError" ? "hung" : "network error");
      }
      latencies.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const secs = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { latencies, statuses, secs };
}

const results: string[] = [];
for (const name of TARGETS) {
  const target = name === "embedded" ? await embeddedTarget() : await nativeTarget(name === "pooled");
  const worker = startWorker({ port: 0, vars: target.vars, output: "ignore" });
  try {
    await applyMigrations(target.database.pool);
    const summary = await importSource(target.database.pool, {
      source: join(work, "inbox"),
      slug: KGDB_LIST,
    });
    await target.database.pool.query("VACUUM ANALYZE");
    await worker.ready();
    const mix = await requestMix(target.database, worker.base);
    log(`${name}: ${summary.imported} messages; ${mix.length} URLs; warming up`);
    for (const url of mix) await fetch(url).then((r) => r.arrayBuffer());
    log(`${name}: ${CLIENTS} clients for ${SECONDS} s`);
    const { latencies, statuses, secs } = await drive(mix);
    // connections still open once every answer is in: the Worker's pools are ended with their requests
    const leaked = async () => (await target.openConnections()) - target.database.pool.totalCount;
    let open = await leaked();
    for (let i = 0; i < 20 && open > 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      open = await leaked();
    }
    const errors = [...statuses].filter(([s]) => !s.startsWith("2") && !s.startsWith("3"));
    const by = [...statuses].map(([s, n]) => `${s}: ${n}`).join(", ");
    results.push(
      `${name.padEnd(9)} ${String(latencies.length).padStart(6)} requests  ${(latencies.length / secs).toFixed(0).padStart(5)}/s  ` +
        `p50 ${fmtMs(percentile(latencies, 50))}  p99 ${fmtMs(percentile(latencies, 99))}  ` +
        `errors ${errors.reduce((n, [, k]) => n + k, 0)}  open connections after ${open}  (${by})`,
    );
    log(results.at(-1)!);
  } finally {
    await worker.stop();
    await target.close();
  }
}
console.log(
  `\n${CLIENTS} clients, ${SECONDS} s each, mix of API, search, thread and message pages\n${results.join("\n")}`,
);
console.log(
  "(open connections after: the Worker's, once every answer is in and 5 s have passed at most; the goal is 0)",
);
rmSync(work, { recursive: true, force: true });
void root;
