// npm run bench:lore — the public-inbox face against public-inbox itself, in one run, on the same data: the kgdb
// epoch served by public-inbox-httpd (Debian's public-inbox 1.9, a v2 inbox from public-inbox-init -V2 and
// public-inbox-index, cached under .cache/) and by Nexus on the embedded default (PGlite behind the bridge, the
// Worker under workerd, as `npm start` runs it). Both on 127.0.0.1, requests interleaved, bodies read whole.
// Prints p50/p95 of each kind on both servers and the Nexus/public-inbox ratios; goal: every ratio ≤ 1.0. The
// Worker's fixed cost is measured on /api/v1/health/live (no database) and printed beside them.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import WebSocket from "ws";
import { createDatabase } from "../../db/client";
import { escapeMessageId } from "../../functions/publicinbox/message-id-path";
import { EMBEDDED_URL } from "../lib/embedded";
import {
  cloneEpoch,
  KGDB_BUNDLE,
  KGDB_LIST,
  referenceInbox,
  type Server,
  startNexus,
  startPublicInboxHttpd,
} from "../lib/lore-peers";
import { percentile } from "../lib/stats";

const ROUNDS = Number(process.env.ROUNDS ?? 40);
// b4 itself spends ~450 ms a run and varies by tens of ms between runs: fewer runs leave its p50 to chance
const B4_ROUNDS = Number(process.env.B4_ROUNDS ?? 30);
// KINDS="raw,search mbox" times only those (and B4_ROUNDS=0 skips b4), for a quick look at one change
const ONLY = process.env.KINDS?.split(",").map((k) => k.trim());
const started = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${s}`);
const work = mkdtempSync(join(tmpdir(), "nexus-bench-lore-"));
const servers: Server[] = [];

async function timed(url: string, init?: RequestInit, status = 200): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, { redirect: "manual", ...init });
  const body = await res.arrayBuffer();
  const ms = performance.now() - t;
  if (res.status !== status) throw new Error(`${url} answered ${res.status}`);
  // a cut-off download is quick: every gzip body must inflate whole (outside the time)
  if (res.headers.get("content-type") === "application/gzip") gunzipSync(new Uint8Array(body));
  return ms;
}

/** b4 am of a series from one server, in a fresh HOME (no cache), as a user would run it. */
function b4Am(base: string, messageId: string): number {
  const home = mkdtempSync(join(work, "b4-"));
  const config = {
    "b4.midmask": `${base}/${KGDB_LIST}/%s`,
    "b4.linkmask": `${base}/${KGDB_LIST}/%s`,
    "b4.attestation-policy": "off",
    "user.name": "Bench",
    "user.email": "bench@example.invalid",
  };
  const env: NodeJS.ProcessEnv = {
    PATH: "/usr/bin:/bin",
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_COUNT: String(Object.keys(config).length),
  };
  Object.entries(config).forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  const t = performance.now();
  execFileSync("b4", ["am", "-o", home, messageId], { env, cwd: home, stdio: "ignore" });
  return performance.now() - t;
}

try {
  const gitDir = join(work, "0.git");
  cloneEpoch(KGDB_BUNDLE, gitDir);
  // allSettled: when one fails, the other is still waited for, so the finally below stops it too
  const started = await Promise.allSettled([
    startPublicInboxHttpd(referenceInbox(KGDB_BUNDLE, KGDB_LIST), KGDB_LIST),
    startNexus(gitDir, KGDB_LIST),
  ]);
  for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
  const failed = started.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  const [pi, nx] = started.map((s) => (s as PromiseFulfilledResult<Server>).value) as [
    Server,
    Server & { bridge: string },
  ];
  log(`public-inbox-httpd on ${pi.base}, Nexus (workerd, embedded database) on ${nx.base}`);

  // the probes, chosen from the data: messages for /raw, the largest thread, a 3-message thread, a series
  const db = createDatabase({
    url: EMBEDDED_URL,
    wsProxy: nx.bridge,
    webSocketConstructor: WebSocket,
    poolMax: 1,
  });
  const q = async (text: string) =>
    (await db.pool.query<{ message_id: string }>(text)).rows.map((r) => r.message_id);
  const rawIds = await q("SELECT message_id FROM emails ORDER BY id % 97, id LIMIT 20");
  const [largest] = await q(
    "SELECT e.message_id FROM threads t JOIN emails e ON e.id = t.root_email_id ORDER BY t.message_count DESC, t.id LIMIT 1",
  );
  const [small] = await q(
    "SELECT e.message_id FROM threads t JOIN emails e ON e.id = t.root_email_id WHERE t.message_count = 3 ORDER BY t.id LIMIT 1",
  );
  const [series] = await q(
    `SELECT e.message_id FROM patch_series s JOIN emails e ON e.id = s.cover_email_id
     WHERE s.patch_count >= 3 ORDER BY s.patch_count DESC, s.id LIMIT 1`,
  );
  await db.end();
  const path = (mid: string, end: string) => `/${KGDB_LIST}/${escapeMessageId(mid)}/${end}`;
  const kinds: [string, (i: number) => [string, RequestInit?, number?]][] = [
    ["raw", (i) => [path(rawIds[i % rawIds.length]!, "raw")]],
    ["t.mbox.gz largest", () => [path(largest!, "t.mbox.gz")]],
    // after the first round these come from the isolate's download cache (download-cache.ts); the no-cache rows
    // make each download again (public-inbox has no such cache and ignores the header)
    ["largest no-cache", () => [path(largest!, "t.mbox.gz"), { headers: { "cache-control": "no-cache" } }]],
    ["t.mbox.gz 3 msgs", () => [path(small!, "t.mbox.gz")]],
    // the two requests `b4 am` makes (seen through a logging proxy): the message URL's redirect, then the series
    ["b4's HEAD (301)", () => [`/${KGDB_LIST}/${escapeMessageId(series!)}`, { method: "HEAD" }, 301]],
    ["t.mbox.gz series", () => [path(series!, "t.mbox.gz")]],
    ["series no-cache", () => [path(series!, "t.mbox.gz"), { headers: { "cache-control": "no-cache" } }]],
    ["search Atom", () => [`/${KGDB_LIST}/?q=${encodeURIComponent("s:breakpoint")}&x=A`]],
    [
      "search mbox",
      () => [`/${KGDB_LIST}/?q=${encodeURIComponent("s:kgdboc")}&x=m`, { method: "POST", body: "" }],
    ],
  ];

  const timedKinds = ONLY ? kinds.filter(([kind]) => ONLY.includes(kind)) : kinds;
  const samples = new Map<string, { nx: number[]; pi: number[] }>();
  const add = (kind: string, side: "nx" | "pi", ms: number) => {
    if (!samples.has(kind)) samples.set(kind, { nx: [], pi: [] });
    samples.get(kind)![side].push(ms);
  };
  const live: number[] = [];
  // a request that reaches the database: the pool's connection (a WebSocket and a session per request, as on
  // Workers) and one small query, the least any archive read pays
  const oneQuery: number[] = [];
  for (let round = -3; round < ROUNDS; round++) {
    // rounds -3..-1 warm both servers (isolate, JIT, plan caches, page cache) and are not counted.
    // The fixed costs first, after the light request that ended the round before (right after a large
    // download they also measured its tail: the pool's end, garbage collection)
    const ms = await timed(`${nx.base}/api/v1/health/live`);
    if (round >= 0) live.push(ms);
    const q1 = await timed(`${nx.base}/api/v1/lists`);
    if (round >= 0) oneQuery.push(q1);
    for (const [kind, request] of timedKinds) {
      const [p, init, status] = request(round + 3);
      // alternate who goes first, so neither always meets a cache the other warmed
      const order: ("nx" | "pi")[] = round % 2 === 0 ? ["nx", "pi"] : ["pi", "nx"];
      for (const side of order) {
        const ms = await timed((side === "nx" ? nx.base : pi.base) + p, init, status);
        if (round >= 0) add(kind, side, ms);
      }
    }
  }
  for (let round = -1; round < B4_ROUNDS; round++) {
    const order: ("nx" | "pi")[] = round % 2 === 0 ? ["nx", "pi"] : ["pi", "nx"];
    for (const side of order) {
      const ms = b4Am(side === "nx" ? nx.base : pi.base, series!);
      if (round >= 0) add("b4 am (series)", side, ms);
    }
  }

  const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
  console.log(
    `\nkind                 n    Nexus p50    Nexus p95   p-i p50     p-i p95    ratio p50  ratio p95`,
  );
  // The goal leaves out kinds whose whole public-inbox p50 is below the least the Worker pays for such a request
  // (issue 11): health/live for the redirect, which reads nothing; a connection and one small query for the rest
  let worst = 0;
  let worstKind = "";
  const liveSorted = [...live].sort((a, b) => a - b);
  const oneQuerySorted = [...oneQuery].sort((a, b) => a - b);
  const notes: string[] = [];
  for (const [kind, s] of samples) {
    const a = [...s.nx].sort((x, y) => x - y);
    const b = [...s.pi].sort((x, y) => x - y);
    const r50 = percentile(a, 50) / percentile(b, 50);
    const r95 = percentile(a, 95) / percentile(b, 95);
    const readsNothing = kind.includes("HEAD");
    const floor = percentile(readsNothing ? liveSorted : oneQuerySorted, 50);
    const excused = floor >= percentile(b, 50);
    if (!excused && Math.max(r50, r95) > worst) {
      worst = Math.max(r50, r95);
      worstKind = kind;
    }
    console.log(
      `${kind.padEnd(18)} ${String(a.length).padStart(3)}  ${fmt(percentile(a, 50))}  ${fmt(percentile(a, 95))}  ` +
        `${fmt(percentile(b, 50))}  ${fmt(percentile(b, 95))}   ${r50.toFixed(2).padStart(5)}×    ${r95.toFixed(2).padStart(5)}×`,
    );
    if (excused) {
      notes.push(
        `${kind}: public-inbox's whole p50 (${percentile(b, 50).toFixed(1)} ms) is below the Worker's floor for it, ${
          readsNothing ? "GET /api/v1/health/live" : "GET /api/v1/lists (connection + one small query)"
        } p50 ${floor.toFixed(1)} ms`,
      );
    }
  }
  console.log(
    `\nWorker fixed cost, GET /api/v1/health/live (no database): p50 ${percentile(liveSorted, 50).toFixed(1)} ms, p95 ${percentile(liveSorted, 95).toFixed(1)} ms`,
  );
  console.log(
    `Worker with the database, GET /api/v1/lists (connection + one small query): p50 ${percentile(oneQuerySorted, 50).toFixed(1)} ms, p95 ${percentile(oneQuerySorted, 95).toFixed(1)} ms`,
  );
  for (const n of notes) console.log(`note: ${n}`);
  console.log(
    `goal: every ratio ≤ 1.0 where public-inbox's whole p50 is above the Worker's floor — ${
      worst <= 1 ? "met" : `NOT met (worst ${worst.toFixed(2)}×, ${worstKind})`
    }`,
  );
  console.log(`probes: largest thread <${largest}>, 3-message thread <${small}>, series <${series}>`);
} finally {
  for (const s of servers) await s.stop();
  rmSync(work, { recursive: true, force: true });
}
