// npm run import -- <source> --list <slug> [--name "…"] [--batch N]
// source: a public-inbox v2 inbox folder (git/N.git), one epoch git folder, an mbox/mboxrd file or a maildir.
// Writes to DATABASE_URL when set, else to the embedded database in NEXUS_DATA_DIR.
import { reasonClass } from "../functions/ingest/store";
import { openScriptDatabase } from "./lib/database";
import { ensureMigrated } from "./lib/ensure-migrated";
import { type ImportSummary, importSource } from "./lib/import-source";

function usage(message?: string): never {
  if (message) console.error(message);
  console.error('usage: npm run import -- <source> --list <slug> [--name "List name"] [--batch N]');
  process.exit(2);
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) usage(`${name} needs a value`);
  args.splice(i, 2);
  return v;
};
const slug = flag("--list");
const name = flag("--name");
const batch = flag("--batch");
const source = args[0];
if (!source || !slug || args.length !== 1) usage();
const batchSize = batch ? Number(batch) : 500;
if (!Number.isInteger(batchSize) || batchSize < 1) usage("--batch takes a whole number");

const tty = process.stdout.isTTY;
/** rejected messages named per reason class in the summary */
const SHOWN = 10;
let started = performance.now();
let lastLine = 0;
function progress(done: number, total: number, s: ImportSummary) {
  const secs = (performance.now() - started) / 1000;
  const rate = done / Math.max(secs, 0.001);
  const known = Number.isFinite(total);
  const eta = rate > 0 && known ? ` · ETA ${Math.round((total - done) / rate)}s` : "";
  const line = `${done}${known ? `/${total}` : ""} read · ${s.imported} imported · ${rate.toFixed(0)} msgs/s${eta}`;
  if (tty) process.stdout.write(`\r${line}\x1b[K`);
  else if (performance.now() - lastLine > 2000 || done === total || !known) {
    console.log(line);
    lastLine = performance.now();
  }
}

const database = await openScriptDatabase({ poolMax: 2 });
let code = 0;
try {
  await ensureMigrated(database);
  started = performance.now();
  const s = await importSource(database.pool, { source, slug, name, batchSize, onProgress: progress });
  if (tty) process.stdout.write("\n");
  const secs = s.times.total / 1000;
  console.log(
    `list ${slug} on ${database.target}: ${s.read} read in ${secs.toFixed(1)}s (${(s.read / Math.max(secs, 0.001)).toFixed(0)} msgs/s)`,
  );
  console.log(
    `  imported ${s.imported}, duplicates skipped ${s.duplicates}, deleted ${s.deleted}, rejected ${s.rejected}`,
  );
  for (const [cls, n] of Object.entries(s.rejectedReasons)) {
    console.log(`    rejected ${n}: ${cls}`);
    const listed = s.rejections.filter((r) => reasonClass(r.reason) === cls);
    for (const r of listed.slice(0, SHOWN))
      console.log(`      ${r.where}${r.messageId ? ` <${r.messageId}>` : ""}: ${r.reason}`);
    if (n > SHOWN) console.log(`      … and ${n - SHOWN} more`);
  }
  if (database.target === "embedded" && s.imported + s.deleted > 0) {
    // PGlite runs no autovacuum: without this, GIN indexes keep the new entries in pending lists that every
    // search scans, and the planner has no statistics. A server's autovacuum does the same on its own.
    const t0 = performance.now();
    await database.pool.query("VACUUM ANALYZE");
    console.log(
      `  vacuum analyze (the embedded database has no autovacuum): ${((performance.now() - t0) / 1000).toFixed(1)}s`,
    );
  }
} catch (error) {
  console.error(`import failed: ${failure(error)}`);
  code = 1;
} finally {
  await database.end();
}
process.exit(code);

/**
 * What stopped the import, in words: a lost database says so and that nothing committed is lost (each batch
 * is its own transaction and the cursor moves with it), so running the same command again goes on from there.
 */
function failure(error: unknown): string {
  const e = error as { message?: string; code?: string };
  const message = e.message ?? String(error);
  const lost =
    /connection terminated|ECONNREFUSED|ECONNRESET|socket hang up|websocket|server closed the connection/i.test(
      message,
    ) ||
    /^(08|57P0)/.test(e.code ?? "") ||
    e.code === "ECONNREFUSED";
  if (!lost) return message;
  return (
    `lost the connection to the database (${message}). Every batch written before is kept; ` +
    "run the import again to continue from there"
  );
}
