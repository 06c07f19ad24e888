// npm run bench:backfill [-- --rows 20000] [--server postgresql://postgres@127.0.0.1:5432]
//
// Two identical copies of N real messages (fedora-devel 2010-January, repeated) with NULL search fields. One
// copy is built by a single UPDATE, the other by the batched backfill the cron runs; prints both rates, their
// ratio and the batch durations. Goal: ratio >= 0.8 with every batch <= 500 ms.
// Default target: a fresh embedded database (PGlite) in a temporary folder. --server: a fresh database
// `nexus_bench_backfill` on that Postgres (all migrations when it has pgvector, else the schema slice).
// BENCH_VERBOSE=1 prints every batch (rows, ms).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { createDatabase, type Database } from "../../db/client";
import { rebuildSearchSql } from "../../functions/mail/search-text";
import { backfillSearchVectors } from "../../functions/search-index/backfill";
import { startBridge } from "../lib/bridge";
import { applyMigrations } from "../lib/migrations";
import { schemaSliceStatements } from "../lib/schema-slice";
import { corpusMessages, seedEmails } from "../lib/seed-emails";

const { values } = parseArgs({
  options: { rows: { type: "string", default: "20000" }, server: { type: "string" } },
});
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1)
  throw new Error(`--rows must be a positive whole number, got ${values.rows}`);

const mbox = readFileSync(resolve(import.meta.dirname, "../../../shared/corpus/jwz-fedora/2010-January.txt"));
const messages = corpusMessages(mbox);

async function openTarget(): Promise<{ database: Database; label: string; close(): Promise<void> }> {
  if (values.server) {
    const server = values.server.replace(/\/+$/, "");
    const bridge = await startBridge();
    const connect = (name: string) =>
      createDatabase({
        url: `${server}/${name}`,
        wsProxy: bridge.address,
        webSocketConstructor: WebSocket,
        poolMax: 2,
      });
    const admin = connect("postgres");
    await admin.pool.query("DROP DATABASE IF EXISTS nexus_bench_backfill WITH (FORCE)");
    await admin.pool.query("CREATE DATABASE nexus_bench_backfill");
    await admin.end();
    const database = connect("nexus_bench_backfill");
    const { rows: ext } = await database.pool.query(
      "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'",
    );
    let label = `${new URL(server).host}, all migrations`;
    if (ext.length > 0) await applyMigrations(database.pool);
    else {
      for (const s of schemaSliceStatements([
        "mailing_lists",
        "authors",
        "emails",
        "sync_jobs",
        "backfill_status",
      ])) {
        await database.pool.query(s);
      }
      label = `${new URL(server).host}, schema slice (no pgvector)`;
    }
    return {
      database,
      label,
      close: async () => {
        await database.end();
        await bridge.close();
      },
    };
  }
  const work = mkdtempSync(join(tmpdir(), "nexus-bench-backfill-"));
  process.env.NEXUS_DATA_DIR = join(work, "data");
  delete process.env.DATABASE_URL;
  const { openScriptDatabase } = await import("../lib/database");
  const database = await openScriptDatabase({ poolMax: 2 });
  await applyMigrations(database.pool);
  return {
    database,
    label: "embedded PGlite, all migrations",
    close: async () => {
      await database.end();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

const target = await openTarget();
const pool = target.database.pool;
try {
  const t0 = Date.now();
  const batched = await seedEmails(pool, messages, { list: "bench-batched", count: rows });
  const single = await seedEmails(pool, messages, { list: "bench-single", count: rows });
  await pool.query("VACUUM ANALYZE");
  console.log(
    `${target.label}: 2 x ${rows} rows seeded from ${messages.length} real messages in ${Date.now() - t0} ms`,
  );

  // The single UPDATE first: the batched run then writes into the larger GIN indexes (the harder side).
  const s0 = Date.now();
  const one = await pool.query(rebuildSearchSql(`e.mailing_list_id = ${single.listId}`));
  const singleMs = Date.now() - s0;
  if (one.rowCount !== rows) throw new Error(`single UPDATE built ${one.rowCount} rows, expected ${rows}`);
  await pool.query("VACUUM ANALYZE emails"); // flush GIN pending lists so neither run pays for the other

  const batchMs: number[] = [];
  const report = await backfillSearchVectors(pool, {
    deadline: Date.now() + 3_600_000,
    afterBatch: (b) => {
      batchMs.push(b.ms);
      if (process.env.BENCH_VERBOSE) console.log(`  batch ${b.size} rows ${b.ms} ms`);
      return true;
    },
  });
  if (report.rows !== rows || report.error) throw new Error(`backfill: ${JSON.stringify(report)}`);

  const { rows: diff } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM emails a JOIN emails b ON b.message_id = a.message_id
      WHERE a.mailing_list_id = $1 AND b.mailing_list_id = $2
        AND (a.lex_ts IS DISTINCT FROM b.lex_ts OR a.body_ts IS DISTINCT FROM b.body_ts)`,
    [batched.listId, single.listId],
  );

  const rate = (ms: number) => Math.round((rows * 1000) / ms);
  const sorted = [...batchMs].sort((x, y) => x - y);
  const ratio = rate(report.ms) / rate(singleMs);
  const longest = sorted.at(-1) ?? 0;
  console.log(`single UPDATE   ${rows} rows in ${singleMs} ms  ${rate(singleMs)} rows/s`);
  console.log(
    `batched         ${rows} rows in ${report.ms} ms  ${rate(report.ms)} rows/s  (${report.batches} batches, ` +
      `median ${sorted[Math.floor(sorted.length / 2)]} ms, longest ${longest} ms)`,
  );
  console.log(
    `ratio batched/single ${ratio.toFixed(2)}; copies identical: ${diff[0]!.n === 0 ? "yes" : `NO (${diff[0]!.n} differ)`}`,
  );
  console.log(
    `goal: ratio >= 0.8 and every batch <= 500 ms — ${ratio >= 0.8 && longest <= 500 ? "met" : "NOT met"}`,
  );
} finally {
  await target.close();
}
