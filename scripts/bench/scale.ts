// npm run bench:scale — Nexus at lore's sizes, on the native PostgreSQL with pgvector (the closest thing to Neon
// here), through HTTP (workerd through Miniflare, as `npm start` runs it: the Workers runtime, a pool per request, as in production).
//
// Builds one list from the real kgdb-bugreport epoch and grows it, as SQL copies of its messages, to each size
// (each copy has its own Message-IDs, threads and thread trees, a day earlier than the one before; the authors
// are the same people, so a prolific author grows with the list, as on lore). Per size it prints p50/p95 of every
// search class, hostile queries, the thread list, the largest thread, an author page, the import throughput into
// the big list, and EXPLAIN (ANALYZE, BUFFERS) of the slowest search's slowest statement.
//
//   npm run bench:scale -- --sizes 50000,250000,1000000 --json scale.json --rounds 10
//   The server: a private cluster of the machine's PostgreSQL (with pgvector) in $TMPDIR/nexus-bench-scale-pg,
//   started here with the settings below (a small dedicated server: Neon's 4 CU has 16 GB of RAM, most of it cache);
//   BENCH_PG=postgresql://postgres@HOST:PORT uses a running server instead.
//   Each size has its database, nexus_bench_scale_SIZE, dropped and made again unless --reuse (then the one an
//   earlier run left is used, grown if need be); --build-only makes the databases and measures nothing;
//   --classes "fuzzy,dfn:" measures those classes only (and not the import, which grows the list);
//   --pooler puts PgBouncer (transaction mode) between the Worker and the server, as Neon's pooled URL does.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { createDatabase, type Database } from "../../db/client";
import { searchList, searchQuery } from "../../functions/api/v1/search";
import { epochBlobs, writeEpoch } from "../../test/helpers/epoch";
import { startBridge } from "../lib/bridge";
import { importSource } from "../lib/import-source";
import { freePort } from "../lib/lore-peers";
import { applyMigrations } from "../lib/migrations";
import { startCluster } from "../lib/pg-cluster";
import { havePooler, startPooler } from "../lib/pooler";
import { fmtMs, p50p95 } from "../lib/stats";
import { startWorker, type WorkerServer } from "../lib/worker-server";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "50000,250000,1000000" },
    json: { type: "string" },
    rounds: { type: "string", default: "10" },
    reuse: { type: "boolean", default: false },
    "build-only": { type: "boolean", default: false },
    classes: { type: "string" },
    pooler: { type: "boolean", default: false },
  },
});
const SIZES = args.sizes.split(",").map((s) => Number(s.trim()));
const ROUNDS = Number(args.rounds);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || !(ROUNDS >= 1)) {
  console.error(
    "usage: npm run bench:scale -- [--sizes 50000,250000,1000000] [--rounds N] [--json FILE] [--reuse] [--classes a,b] [--pooler]",
  );
  process.exit(2);
}
SIZES.sort((a, b) => a - b);
const CLASSES = args.classes?.split(",").map((c) => c.trim());
/** The private server's settings: the shared 5432 server keeps Debian's defaults (128 MB of shared buffers). */
const SETTINGS = {
  shared_buffers: "4GB",
  effective_cache_size: "12GB",
  work_mem: "16MB",
  maintenance_work_mem: "1GB",
  random_page_cost: 1.1,
  max_wal_size: "8GB",
  jit: "off",
};
const DATABASE = "nexus_bench_scale";
const SLUG = "kgdb-bugreport";
/** Messages with an embedding (random vectors), whatever the size: the HNSW index a hybrid search walks. */
const EMBEDDED = 20_000;

const HOSTILE_OR = "kgdb patch kernel debug console serial break the fix add use from test code with for"
  .split(" ")
  .join(" OR ");
/**
 * [class, q, mode, extra]: extra is "near" (an email with an embedding) or more of the query string; the hostile
 * ones the parser refuses answer 400 (their class says so)
 */
const SEARCHES: [string, string, string, string?][] = [
  ["common word", "kgdb", "lexical"],
  ["common word", "patch", "lexical"],
  ["common word", "kernel", "lexical"],
  ["rare word", "watchdog", "lexical"],
  ["rare word", "kgdboc", "lexical"],
  // the search page's default order (lore's): newest first, nothing ranked
  ["common word (newest)", "kgdb", "lexical", "&sort=date"],
  ["common word (newest)", "patch", "lexical", "&sort=date"],
  ["common word (newest)", "kernel", "lexical", "&sort=date"],
  ["rare word (newest)", "watchdog", "lexical", "&sort=date"],
  ["rare word (newest)", "kgdboc", "lexical", "&sort=date"],
  ["phrase", '"boot console"', "lexical"],
  ["phrase", '"kernel debugger"', "lexical"],
  ["s:", "s:kgdb", "lexical"],
  ["s:", "s:kdb", "lexical"],
  ["f:", "f:dianders@chromium.org", "lexical"],
  ["f:", "f:jason.wessel", "lexical"],
  ["d:", "d:20200501..20200531", "lexical"],
  ["d:", "kgdb d:2020-01-01..2020-12-31", "lexical"],
  ["dfn:", "dfn:kdb_main.c", "lexical"],
  ["dfn:", "dfn:kernel/debug", "lexical"],
  ["fuzzy", "Dougl Andersn", "fuzzy"],
  ["fuzzy", "Danial Tompson", "fuzzy"],
  ["hybrid", "kgdboc console", "hybrid", "near"],
  ["hybrid", "breakpoint", "hybrid", "near"],
  // the worst the bounds let through (QUERY_LIMITS): four short wildcards, sixteen common words OR-ed
  ["hostile", "con* OR pat* OR ser* OR ker*", "lexical"],
  ["hostile", "con* pat* ser* ker*", "lexical"],
  ["hostile", HOSTILE_OR, "lexical"],
  ["hostile", "ab", "fuzzy"],
  ["hostile (refused)", "e* OR a* OR s* OR t*", "lexical"],
  ["hostile (refused)", "a* b* c* d* e* f* g* h*", "lexical"],
];

const root = resolve(import.meta.dirname, "../..");
const bundle = resolve(root, "../shared/corpus/publicinbox-v2/kgdb-bugreport.0.bundle");
const work = mkdtempSync(join(tmpdir(), "nexus-bench-scale-"));
const started = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${s}`);

const cluster = process.env.BENCH_PG
  ? undefined
  : startCluster({ dir: join(tmpdir(), "nexus-bench-scale-pg"), port: await freePort(), settings: SETTINGS });
const SERVER = (process.env.BENCH_PG ?? cluster!.url).replace(/\/+$/, "");
if (args.pooler && !havePooler()) {
  console.error("--pooler needs PgBouncer (Debian: apt-get install pgbouncer)");
  process.exit(2);
}
// The Worker's way to the server: straight, or through PgBouncer as through Neon's pooled URL (see pooler.ts)
const server = new URL(SERVER);
const pooler = args.pooler
  ? await startPooler({
      port: await freePort(),
      server: { host: server.hostname, port: Number(server.port || 5432) },
      poolSize: 20,
    })
  : undefined;
const WORKER_SERVER = pooler?.url ?? SERVER;
const bridge = await startBridge();
const open = (name: string, poolMax = 2): Database =>
  createDatabase({
    url: `${SERVER}/${name}`,
    wsProxy: bridge.address,
    webSocketConstructor: WebSocket,
    poolMax,
  });
let database: Database | undefined;
let worker: WorkerServer | undefined;

interface Figure {
  size: number;
  class: string;
  p50: number;
  p95: number;
}
const figures: Figure[] = [];

/** The epoch's messages with every Message-ID (and the ids they refer to) given a suffix: new mail, same shape. */
function renamedEpoch(source: Buffer[], suffix: string, gitDir: string) {
  const renamed = source.map((blob) => {
    const end = blob.indexOf("\n\n");
    const head = blob.subarray(0, end < 0 ? blob.length : end).toString("latin1");
    const fixed = head.replace(
      /^(message-id|in-reply-to|references):([^\n]*(?:\n[ \t][^\n]*)*)/gim,
      (_m, name: string, value: string) => `${name}:${value.replace(/<([^<>@\s]+)@/g, `<$1.${suffix}@`)}`,
    );
    return Buffer.concat([Buffer.from(fixed, "latin1"), end < 0 ? Buffer.alloc(0) : blob.subarray(end)]);
  });
  writeEpoch(
    gitDir,
    renamed.map((add) => ({ add })),
  );
}

/** Copies of the first `originals` emails (with their threads, trees and recipients) until the list holds `size`. */
async function grow(db: Database, size: number, originals: { emails: number; threads: number }) {
  const q = (text: string, values: unknown[] = []) => db.pool.query(text, values);
  let count = Number((await q("SELECT count(*) AS n FROM emails")).rows[0].n);
  let copy =
    Number((await q(`SELECT count(*) AS n FROM threads WHERE root_message_id LIKE '%.copy%'`)).rows[0].n) > 0
      ? Number(
          (await q(`SELECT max(substring(message_id from '\\.copy(\\d+)$')::int) AS k FROM emails`)).rows[0]
            .k,
        )
      : 0;
  const t0 = performance.now();
  const startCount = count;
  while (count < size) {
    copy++;
    const sfx = `.copy${copy}`;
    const shift = `${copy} days`;
    await q("BEGIN");
    await q(
      `INSERT INTO threads (mailing_list_id, root_message_id, subject, start_date, last_date, message_count, has_patches)
       SELECT mailing_list_id, root_message_id || $1, subject, start_date - $2::interval, last_date - $2::interval,
         message_count, has_patches FROM threads WHERE id <= $3`,
      [sfx, shift, originals.threads],
    );
    await q(
      `INSERT INTO emails (mailing_list_id, message_id, source_commit, epoch, author_id, subject, normalized_subject,
         date, date_is_fallback, in_reply_to, body, series_number, series_total, patch_type, is_patch_only,
         patch_metadata, patch_id, lex_ts, body_ts, search_version, threaded_at)
       SELECT mailing_list_id, message_id || $1, source_commit, epoch, author_id, subject, normalized_subject,
         date - $2::interval, date_is_fallback, in_reply_to || $1, body, series_number, series_total, patch_type,
         is_patch_only, patch_metadata, patch_id, lex_ts, body_ts, search_version, threaded_at
       FROM emails WHERE id <= $3 ORDER BY id`,
      [sfx, shift, originals.emails],
    );
    await q(
      `INSERT INTO thread_memberships (thread_id, message_id, email_id, parent_message_id, depth, position)
       SELECT nt.id, tm.message_id || $1, ce.id, tm.parent_message_id || $1, tm.depth, tm.position
       FROM threads ot JOIN thread_memberships tm ON tm.thread_id = ot.id
         JOIN threads nt ON nt.mailing_list_id = ot.mailing_list_id AND nt.root_message_id = ot.root_message_id || $1
         LEFT JOIN emails ce ON ce.mailing_list_id = ot.mailing_list_id AND ce.message_id = tm.message_id || $1
       WHERE ot.id <= $2`,
      [sfx, originals.threads],
    );
    await q(
      `UPDATE threads nt SET root_email_id = ce.id
       FROM emails ce WHERE nt.root_message_id LIKE '%' || $1 AND ce.mailing_list_id = nt.mailing_list_id
         AND ce.message_id = nt.root_message_id`,
      [sfx],
    );
    await q(
      `INSERT INTO email_recipients (email_id, kind, author_ids)
       SELECT ce.id, r.kind, r.author_ids FROM emails oe JOIN email_recipients r ON r.email_id = oe.id
         JOIN emails ce ON ce.mailing_list_id = oe.mailing_list_id AND ce.message_id = oe.message_id || $1
       WHERE oe.id <= $2`,
      [sfx, originals.emails],
    );
    await q("COMMIT");
    count += originals.emails;
    if (copy % 20 === 0) {
      const rate = (count - startCount) / ((performance.now() - t0) / 1000);
      log(`  ${count.toLocaleString("en")} messages (${rate.toFixed(0)} copied/s)`);
    }
  }
  // Random vectors for the first EMBEDDED messages; the HNSW index is built once over them (as after a fill
  // job), not grown one insert at a time (minutes on two cores). Same name and definition as migration 0002.
  const have = Number((await q("SELECT count(*) AS n FROM emails WHERE embedding IS NOT NULL")).rows[0].n);
  if (have < EMBEDDED) {
    await q("DROP INDEX emails_embedding_idx");
    await q(
      `UPDATE emails SET embedding = array(SELECT random() - 0.5 + 0 * emails.id FROM generate_series(1, 384))::real[]::vector
       WHERE id IN (SELECT id FROM emails WHERE embedding IS NULL ORDER BY id LIMIT $1)`,
      [EMBEDDED - have],
    );
    await q("CREATE INDEX emails_embedding_idx ON emails USING hnsw (embedding vector_cosine_ops)");
  }
  await q("VACUUM ANALYZE");
  // the writes of the build and the vacuum flushed now, not by the checkpointer while the searches are measured
  // (on a slow disk, a search reading TOAST behind those writes ran past the 10 s statement timeout)
  await q("CHECKPOINT");
  return Number((await q("SELECT count(*) AS n FROM emails")).rows[0].n);
}

async function timed(url: string, status = 200): Promise<number> {
  const t = performance.now();
  // every round asks the database: a search answer kept in the isolate would be timed otherwise
  const res = await fetch(url, { headers: { "cache-control": "no-cache" } });
  const body = await res.text();
  const ms = performance.now() - t;
  if (res.status !== status) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
  return ms;
}

/** Every statement one search runs on a Node pool, with its time: for EXPLAIN of the slowest. */
async function statementsOf(db: Database, q: string, mode: string, near?: string) {
  const seen: { text: string; values: unknown[]; ms: number }[] = [];
  const pool = db.pool as unknown as { query: (...a: unknown[]) => Promise<unknown> };
  const original = pool.query.bind(pool);
  pool.query = async (...a: unknown[]) => {
    const config = a[0] as string | { text: string; values?: unknown[] };
    const text = typeof config === "string" ? config : config.text;
    const values = (typeof config === "string" ? a[1] : (config.values ?? a[1])) as unknown[] | undefined;
    const t = performance.now();
    const result = await original(...a);
    seen.push({ text, values: values ?? [], ms: performance.now() - t });
    return result;
  };
  try {
    await searchList(db.db, null, searchQuery.parse({ q, mode, near }), SLUG);
  } finally {
    pool.query = original;
  }
  return seen.sort((a, b) => b.ms - a.ms);
}

/** The database of one size: made from the epoch and grown, or (with --reuse) the one an earlier run left. */
async function prepare(size: number, gitSource: string): Promise<Database> {
  const name = `${DATABASE}_${size}`;
  const admin = open("postgres", 1);
  if (!args.reuse) await admin.pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  const exists = (await admin.pool.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount;
  if (!exists) await admin.pool.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const db = open(name, 2);
  await applyMigrations(db.pool);
  const t = performance.now();
  const first = await importSource(db.pool, { source: gitSource, slug: SLUG });
  if (first.imported > 0) {
    const s = (performance.now() - t) / 1000;
    log(
      `kgdb epoch into the empty list: ${first.imported} messages in ${s.toFixed(1)} s (${(first.imported / s).toFixed(0)}/s)`,
    );
  }
  // The originals: the epoch as imported (copies and later imports come after them).
  const { rows } = await db.pool.query(
    `SELECT (SELECT max(id) FROM emails WHERE message_id NOT LIKE '%.copy%' AND message_id NOT LIKE '%.imp%@%') AS e,
       (SELECT max(id) FROM threads WHERE root_message_id NOT LIKE '%.copy%' AND root_message_id NOT LIKE '%.imp%@%') AS t`,
  );
  await grow(db, size, { emails: Number(rows[0].e), threads: Number(rows[0].t) });
  return db;
}

try {
  const gitDir = join(work, "inbox/git/0.git");
  execFileSync("git", ["clone", "-q", "--mirror", bundle, gitDir]);
  const blobs = epochBlobs(gitDir);
  for (const size of SIZES) {
    let t = performance.now();
    database = await prepare(size, join(work, "inbox"));
    const count = Number((await database.pool.query("SELECT count(*) AS n FROM emails")).rows[0].n);
    log(
      `list at ${count.toLocaleString("en")} messages (ready in ${((performance.now() - t) / 1000).toFixed(0)} s)`,
    );
    if (args["build-only"]) {
      await database.end();
      database = undefined;
      continue;
    }
    worker = startWorker({
      port: 0,
      vars: { DATABASE_URL: `${WORKER_SERVER}/${DATABASE}_${size}`, NEXUS_WS_PROXY: bridge.address },
      output: "ignore",
    });
    await worker.ready();
    const base = `${worker.base}/api/v1`;

    // the pages' subjects: the largest thread, the most prolific author, a message with an embedding
    const { rows: facts } = await database.pool.query(
      `SELECT (SELECT id FROM threads ORDER BY message_count DESC, id LIMIT 1) AS thread,
         (SELECT author_id FROM emails GROUP BY author_id ORDER BY count(*) DESC LIMIT 1) AS author,
         (SELECT id FROM emails WHERE embedding IS NOT NULL ORDER BY id LIMIT 1) AS near`,
    );
    const { thread, author, near } = facts[0] as { thread: string; author: string; near: string };
    const requests = (
      [
        ...SEARCHES.map(([cls, q, mode, extra]): [string, string] => [
          cls,
          `${base}/lists/${SLUG}/search?q=${encodeURIComponent(q)}&mode=${mode}${extra === "near" ? `&near=${near}` : (extra ?? "")}`,
        ]),
        ["thread list", `${base}/lists/${SLUG}/threads?pageSize=50`],
        ["thread list", `${base}/lists/${SLUG}/threads?pageSize=50&page=200`],
        ["largest thread", `${base}/lists/${SLUG}/threads/${thread}`],
        ["author page", `${base}/authors/${author}`],
        ["author page", `${base}/authors/${author}/lists/${SLUG}/emails?pageSize=50`],
      ] as [string, string][]
    ).filter(([cls]) => !CLASSES || CLASSES.includes(cls));
    const samples = new Map<string, number[]>();
    const perUrl = new Map<string, number[]>();
    for (let round = -1; round < ROUNDS; round++) {
      for (const [cls, url] of requests) {
        const ms = await timed(url, cls.endsWith("(refused)") ? 400 : 200);
        if (round < 0) continue; // warm-up
        if (!samples.has(cls)) samples.set(cls, []);
        samples.get(cls)!.push(ms);
        if (!perUrl.has(url)) perUrl.set(url, []);
        perUrl.get(url)!.push(ms);
      }
    }
    console.log(
      `\n${count.toLocaleString("en")} messages, ${ROUNDS} rounds\nclass              n      p50          p95`,
    );
    for (const [cls, xs] of samples) {
      const { p50, p95 } = p50p95(xs);
      figures.push({ size: count, class: cls, p50, p95 });
      console.log(
        `${cls.padEnd(16)} ${String(xs.length).padStart(3)}  ${fmtMs(p50)}  ${fmtMs(p95)}${p95 > 150 ? "   > 150 ms" : ""}`,
      );
    }

    // import throughput into the big list: the epoch again as new mail (its Message-IDs renamed)
    if (!CLASSES) {
      const suffix = `imp${count}`;
      const renamed = join(work, suffix);
      renamedEpoch(blobs, suffix, join(renamed, "git/0.git"));
      t = performance.now();
      const imported = await importSource(database.pool, { source: renamed, slug: SLUG });
      const secs = (performance.now() - t) / 1000;
      console.log(
        `import into the list: ${imported.imported} messages in ${secs.toFixed(1)} s (${(imported.imported / secs).toFixed(0)}/s; ` +
          `ms in read ${imported.times.read.toFixed(0)}, parse ${imported.times.parse.toFixed(0)}, write ${imported.times.write.toFixed(0)}, thread ${imported.times.thread.toFixed(0)})`,
      );
      figures.push({
        size: count,
        class: "import (messages/s)",
        p50: imported.imported / secs,
        p95: imported.imported / secs,
      });
    }

    // EXPLAIN of the slowest search's slowest statement
    const refused = new Set(requests.filter(([c]) => c.endsWith("(refused)")).map(([, u]) => u));
    const searchUrls = [...perUrl].filter(([u]) => u.includes("/search?") && !refused.has(u));
    const slowUrl = searchUrls.sort((a, b) => p50p95(b[1]).p95 - p50p95(a[1]).p95)[0]?.[0];
    if (slowUrl) {
      const params = new URL(slowUrl).searchParams;
      const statements = await statementsOf(
        database,
        params.get("q")!,
        params.get("mode")!,
        params.get("near") ?? undefined,
      );
      const slowest = statements[0]!;
      const plan = await database.pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${slowest.text}`, slowest.values);
      console.log(
        `\nslowest search: q=${params.get("q")} mode=${params.get("mode")}; its slowest statement (${slowest.ms.toFixed(1)} ms):`,
      );
      console.log(plan.rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n"));
    }
    await worker.stop();
    worker = undefined;
    await database.end();
    database = undefined;
  }
  if (args.json) writeFileSync(args.json, `${JSON.stringify(figures, null, 2)}\n`);
} finally {
  await worker?.stop();
  await database?.end();
  await bridge.close();
  pooler?.stop();
  cluster?.stop();
  rmSync(work, { recursive: true, force: true });
}
