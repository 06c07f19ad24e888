// npm run bench:login — sign-in under workerd on the embedded database: login p50/p95, beside a request
// the same route refuses before any database or Argon2 work (a body that is no JSON), and the same Argon2id
// WebAssembly timed in Node. ROUNDS=N (default 40).
//
// workerd stops its clocks while JavaScript runs (timers advance only at I/O), so one hash cannot be timed
// inside the Worker: its CPU time is read as login − refused baseline − the login's database round trips
// (timed here as the same five statements), an estimate the bench prints as such.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { createDatabase } from "../../db/client";
import { ARGON2_PARAMS, hashPassword } from "../../functions/auth/password";
import { nodeArgon2 } from "../lib/argon2-node";
import { EMBEDDED_URL } from "../lib/embedded";
import { serveEmbedded } from "../lib/embedded-server";
import { applyMigrations } from "../lib/migrations";
import { startWorker, type WorkerServer } from "../lib/worker-server";

const ROUNDS = Number(process.env.ROUNDS ?? 40);
const PORT = Number(process.env.PORT ?? 8798);
const PASSWORD = "a benchmark passphrase";
const work = mkdtempSync(join(tmpdir(), "nexus-bench-login-"));
const embedded = await serveEmbedded(join(work, "data"), { publish: false });
const database = createDatabase({
  url: EMBEDDED_URL,
  wsProxy: embedded.address,
  webSocketConstructor: WebSocket,
  poolMax: 1,
});
let worker: WorkerServer | undefined;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
const line = (name: string, xs: number[]) =>
  console.log(`${name.padEnd(34)} p50 ${fmt(percentile(xs, 50))}   p95 ${fmt(percentile(xs, 95))}`);

try {
  await applyMigrations(database.pool);
  const argon2 = await nodeArgon2();
  await database.pool.query(
    `WITH u AS (INSERT INTO users (auth_provider, email, role) VALUES ('local', 'bench@example.org', 'user') RETURNING id)
     INSERT INTO local_user_credentials (user_id, password_hash) SELECT id, $1 FROM u`,
    [hashPassword(argon2, PASSWORD)],
  );
  const node: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    hashPassword(argon2, PASSWORD);
    node.push(performance.now() - t0);
  }
  const sql: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await database.pool.query("SELECT 1 FROM users WHERE lower(email) = 'bench@example.org'");
    sql.push((performance.now() - t0) * 5);
  }

  worker = startWorker({
    port: PORT,
    vars: {
      DATABASE_URL: EMBEDDED_URL,
      NEXUS_WS_PROXY: embedded.address,
      JWT_SECRET: "bench-secret-0123456789abcdef",
    },
    output: "ignore",
  });
  await worker.ready();
  const url = `${worker.base}/api/v1/auth/login`;
  const post = async (body: string) => {
    const t0 = performance.now();
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    await res.arrayBuffer();
    return { ms: performance.now() - t0, status: res.status };
  };
  const good = JSON.stringify({ email: "bench@example.org", password: PASSWORD });
  for (let i = 0; i < 3; i++) await post(good); // warm the isolate and its WebAssembly
  const login: number[] = [];
  const refused: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // the per-address limit (20 per 15 minutes) would answer 429: the bench starts each round afresh
    if (i % 15 === 0) await database.pool.query("DELETE FROM login_throttle");
    const a = await post(good);
    if (a.status !== 200) throw new Error(`login answered ${a.status}`);
    login.push(a.ms);
    const b = await post("{not json");
    if (b.status !== 400) throw new Error(`the refused request answered ${b.status}`);
    refused.push(b.ms);
  }
  const p = ARGON2_PARAMS;
  console.log(`\nArgon2id m=${p.memorySize} KiB, t=${p.passes}, p=${p.parallelism}; ${ROUNDS} rounds\n`);
  line("login (Worker, workerd)", login);
  line("refused before any work (400)", refused);
  line("Argon2id hash, same wasm in Node", node);
  const estimate = percentile(login, 50) - percentile(refused, 50) - percentile(sql, 50);
  console.log(
    `\none Argon2id hash in workerd ≈ ${estimate.toFixed(1)} ms of CPU (login − refused − 5 database round trips ` +
      `of ${(percentile(sql, 50) / 5).toFixed(1)} ms); the same wasm in Node: ${percentile(node, 50).toFixed(1)} ms`,
  );
} finally {
  await worker?.stop();
  await database.end();
  await embedded.close();
  rmSync(work, { recursive: true, force: true });
}
