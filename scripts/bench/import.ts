// npm run bench:import — imports the kgdb-bugreport epoch into a fresh embedded database and prints
// messages/s overall and per phase (read = git log + cat-file, parse, write, thread).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const bundle = resolve(import.meta.dirname, "../../../shared/corpus/publicinbox-v2/kgdb-bugreport.0.bundle");
const work = mkdtempSync(join(tmpdir(), "nexus-bench-import-"));
process.env.NEXUS_DATA_DIR = join(work, "data");
delete process.env.DATABASE_URL;
const inbox = join(work, "inbox");
const clone = spawnSync("git", ["clone", "-q", "--mirror", bundle, join(inbox, "git/0.git")], {
  stdio: "inherit",
});
if (clone.status !== 0) process.exit(1);

// imported after NEXUS_DATA_DIR is set: the helpers read it when called
const { openScriptDatabase } = await import("../lib/database");
const { applyMigrations } = await import("../lib/migrations");
const { importSource } = await import("../lib/import-source");
const { statementProfile } = await import("../../functions/ingest/sql");
statementProfile.enabled = process.env.PROFILE === "1";

/** CPU seconds of each thread of this process by thread id (Linux /proc; empty elsewhere). */
function threadCpu(): Map<string, number> {
  const cpu = new Map<string, number>();
  try {
    for (const t of readdirSync("/proc/self/task")) {
      const f = readFileSync(`/proc/self/task/${t}/stat`, "utf8").split(") ")[1]!.split(" ");
      cpu.set(t, (Number(f[11]) + Number(f[12])) / 100); // utime + stime, in USER_HZ ticks
    }
  } catch {}
  return cpu;
}

const database = await openScriptDatabase({ poolMax: 2 });
try {
  await applyMigrations(database.pool);
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpu();
  const s = await importSource(database.pool, {
    source: inbox,
    slug: "kgdb-bugreport",
    batchSize: Number(process.env.BATCH ?? 500),
  });
  const rate = (ms: number) => (ms > 0 ? `${((s.read / ms) * 1000).toFixed(0)} msgs/s` : "-");
  console.log(
    `kgdb-bugreport epoch 0: ${s.read} commits, ${s.imported} imported, ${s.duplicates} duplicates, ${s.rejected} rejected`,
  );
  const cpu = process.cpuUsage(cpu0);
  console.log(`overall  ${(s.times.total / 1000).toFixed(2)} s  ${rate(s.times.total)}`);
  // wall time depends on what else runs on the machine; this process's CPU time much less so
  console.log(`  cpu    ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (this process, all threads)`);
  // the busiest threads still running: the embedded database's, the main one (writes), V8's helpers
  const busiest = [...threadCpu()]
    .map(([t, s]) => s - (threads0.get(t) ?? 0))
    .sort((a, b) => b - a)
    .slice(0, 3);
  if (busiest.length)
    console.log(`  busiest threads  ${busiest.map((s) => `${s.toFixed(2)} s`).join(", ")} (cpu)`);
  for (const phase of ["read", "parse", "write", "thread"] as const) {
    const ms = s.times[phase];
    console.log(
      `  ${phase.padEnd(6)} ${(ms / 1000).toFixed(2)} s  ${rate(ms)}  (${((ms / s.times.total) * 100).toFixed(0)}% of total)`,
    );
  }
  if (statementProfile.enabled) {
    console.log("statements (PROFILE=1), by total time:");
    for (const [label, t] of [...statementProfile.times].sort((a, b) => b[1].ms - a[1].ms))
      console.log(`  ${(t.ms / 1000).toFixed(2).padStart(6)} s ${String(t.count).padStart(5)}x  ${label}`);
  }
  console.log(`goal: >= 500 msgs/s overall — ${s.read / (s.times.total / 1000) >= 500 ? "met" : "NOT met"}`);
} finally {
  await database.end();
  rmSync(work, { recursive: true, force: true });
}
