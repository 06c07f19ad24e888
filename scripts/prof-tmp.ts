import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { createDatabase } from "../db/client";
import { threadOriginals } from "../db/queries/lore";
import { EMBEDDED_URL } from "./lib/embedded";
import { cloneEpoch, KGDB_BUNDLE, KGDB_LIST, startNexus } from "./lib/lore-peers";
const work = mkdtempSync(join(tmpdir(), "prof-"));
cloneEpoch(KGDB_BUNDLE, join(work, "0.git"));
const nx = await startNexus(join(work, "0.git"), KGDB_LIST);
const db = createDatabase({ url: EMBEDDED_URL, wsProxy: nx.bridge, webSocketConstructor: WebSocket, poolMax: 1 });
for (const mid of ["20200707180414.10467-1-rdunlap@infradead.org", "20220228110822.491923-1-jakobkoschel@gmail.com", "20190730221800.28326-1-dianders@chromium.org"]) {
  const times: number[] = [];
  let n = 0, bytes = 0;
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const o = await threadOriginals(db.db, KGDB_LIST, mid);
    times.push(performance.now() - t);
    n = o.length; bytes = o.reduce((s, x) => s + x.raw.length, 0);
  }
  const t = performance.now();
  await db.pool.query("select 1");
  console.log(mid, n, bytes, times.map((x) => x.toFixed(1)).join(" "), "select1", (performance.now() - t).toFixed(1));
}

{
  const { sql } = await import("drizzle-orm");
  const { PgDialect } = await import("drizzle-orm/pg-core");
  const mod = await import("../db/queries/lore");
  // capture the SQL via a fake db
  let captured: any;
  const fake = { execute: async (q: any) => { captured = new PgDialect().sqlToQuery(q); return { rows: [] }; } };
  for (const mid of ["20190730221800.28326-1-dianders@chromium.org", "20200707180414.10467-1-rdunlap@infradead.org"]) {
  await mod.threadOriginals(fake as any, KGDB_LIST, mid);
  for (let i = 0; i < 3; i++) {
    const { rows } = await db.pool.query("EXPLAIN (ANALYZE, BUFFERS) " + captured.sql, captured.params);
    if (i === 2) console.log(rows.map((r: any) => r["QUERY PLAN"]).join("\n"));
  }
  }
}
const fs = await import("node:fs");
fs.writeFileSync("/tmp/nx-bridge", nx.bridge);
await db.end(); await nx.stop();
