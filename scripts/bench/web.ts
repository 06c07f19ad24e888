// npm run bench:web — the HTML of the list page, the largest thread's /T/ page and a search page, from Nexus on
// the embedded default (`npm start`'s server, the kgdb epoch imported) and from public-inbox-httpd on the same
// epoch, fetched in alternation on 127.0.0.1: p50/p95 per page and server, and each page's size (raw and gzip).
import { gzipSync } from "node:zlib";
import { escapeMessageId as midPathSegment } from "../../functions/publicinbox/message-id-path";
import { KGDB_BUNDLE, referenceInbox, type Server, startPublicInboxHttpd } from "../lib/lore-peers";
import { startWebFixture } from "../lib/web-fixture";

const ROUNDS = Number(process.env.ROUNDS || 40);
const WARMUP = 5;
const LIST = "kgdb-bugreport";
const HEADERS = { accept: "text/html", "accept-encoding": "identity" };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function timed(url: string, fresh: boolean): Promise<{ ms: number; status: number; body: string }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: fresh ? { ...HEADERS, "cache-control": "no-cache" } : HEADERS });
  const body = await res.text();
  return { ms: performance.now() - t0, status: res.status, body };
}

const t0 = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}`);
const nexus = await startWebFixture({ log, hostile: false });
let reference: Server | undefined;
try {
  reference = await startPublicInboxHttpd(referenceInbox(KGDB_BUNDLE, LIST), LIST);
  log(`public-inbox-httpd ready at ${reference.base}`);
  const threads = (await (
    await fetch(`${nexus.base}/api/v1/lists/${LIST}/threads?sort=messageCount&pageSize=1`)
  ).json()) as {
    data: { rootMessageId: string; messageCount: number }[];
  };
  const largest = threads.data[0]!;
  const pages = [
    { name: "list page", path: `/${LIST}/` },
    {
      name: `largest thread /T/ (${largest.messageCount} messages)`,
      path: `/${LIST}/${midPathSegment(largest.rootMessageId)}/T/`,
    },
    // the same search again is answered from the isolate while nothing was written (meta.cached); no-cache
    // (ignored by public-inbox) makes Nexus search every time
    { name: "search page (q=kgdboc)", path: `/${LIST}/?q=kgdboc` },
    { name: "search page, no-cache", path: `/${LIST}/?q=kgdboc`, fresh: true },
    { name: "search page, &r (relevance), no-cache", path: `/${LIST}/?q=kgdboc&r`, fresh: true },
  ];
  const servers = [
    { name: "nexus", base: nexus.base },
    { name: "public-inbox", base: reference.base },
  ];
  console.log(
    `\n${ROUNDS} rounds per page and server (after ${WARMUP} warm-up), alternating; sizes of the HTML\n`,
  );
  console.log(
    ["page", "server", "p50 ms", "p95 ms", "KB", "KB gzip"]
      .map((h, i) => (i < 2 ? h.padEnd(i ? 13 : 40) : h.padStart(9)))
      .join(""),
  );
  for (const page of pages) {
    const samples = new Map(servers.map((s) => [s.name, [] as number[]]));
    const bodies = new Map<string, string>();
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      for (const s of i % 2 ? [...servers].reverse() : servers) {
        const r = await timed(`${s.base}${page.path}`, page.fresh === true);
        if (r.status !== 200) throw new Error(`${s.name} ${page.path}: HTTP ${r.status}`);
        if (i >= WARMUP) samples.get(s.name)!.push(r.ms);
        bodies.set(s.name, r.body);
      }
    }
    for (const s of servers) {
      const xs = samples.get(s.name)!;
      const body = bodies.get(s.name)!;
      console.log(
        [
          page.name.padEnd(40),
          s.name.padEnd(13),
          pct(xs, 50).toFixed(1).padStart(9),
          pct(xs, 95).toFixed(1).padStart(9),
          (Buffer.byteLength(body) / 1024).toFixed(1).padStart(9),
          (gzipSync(body, { level: 6 }).length / 1024).toFixed(1).padStart(9),
        ].join(""),
      );
    }
    const [a, b] = servers.map((s) => samples.get(s.name)!);
    console.log(
      `${"".padEnd(40)}${"ratio".padEnd(13)}${(pct(a!, 50) / pct(b!, 50)).toFixed(2).padStart(9)}${(pct(a!, 95) / pct(b!, 95)).toFixed(2).padStart(9)}`,
    );
  }
} finally {
  await reference?.stop();
  await nexus.stop();
}
