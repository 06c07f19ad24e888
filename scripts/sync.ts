// npm run sync -- --list <slug> | --all [--via git|http] [--mirror DIR]
// Catches lists up with their upstream (set with npm run list:add): over git (the upstream's epochs mirrored
// into DIR/<slug>/git/N.git, default .data/mirrors, and imported) when git is here and the upstream serves
// epochs, else over HTTP with the cron's own client. Writes to DATABASE_URL when set, else the embedded database.
import { resolve } from "node:path";
import { upstreamSlugs } from "../functions/upstream/state";
import { parseFlags } from "./lib/cli-flags";
import { openScriptDatabase } from "./lib/database";
import { ensureMigrated } from "./lib/ensure-migrated";
import { type SyncVia, syncListFromCli } from "./lib/upstream-sync";

const USAGE = "usage: npm run sync -- --list <slug> | --all [--via git|http] [--mirror DIR]";
const flags = parseFlags(process.argv.slice(2), ["--list", "--via", "--mirror"], ["--all"], USAGE);
const usage: (message?: string) => never = flags.usage;
const slug = flags.values["--list"];
const all = flags.switches.has("--all");
if (!slug === !all) usage("name one list with --list, or --all");
const via = (flags.values["--via"] ?? "auto") as SyncVia;
if (!["git", "http", "auto"].includes(via)) usage("--via takes git or http");
const mirrorRoot = resolve(
  flags.values["--mirror"] ?? resolve(process.env.NEXUS_DATA_DIR ?? ".data", "mirrors"),
);

const database = await openScriptDatabase({ poolMax: 2 });
let code = 0;
try {
  await ensureMigrated(database);
  const slugs = all ? await upstreamSlugs(database.pool) : [slug!];
  if (slugs.length === 0)
    throw new Error("no list follows an upstream: npm run list:add -- --list SLUG --upstream URL");
  for (const s of slugs) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    try {
      const r = await syncListFromCli(database.pool, s, {
        via,
        mirrorRoot,
        env: process.env,
        log: (l) => console.log(l),
      });
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      // this process's CPU (download, gunzip, parse, compress, driver): what a Worker would spend on the same mail
      const used = process.cpuUsage(cpu0);
      const cpuMs = (used.user + used.system) / 1000;
      console.log(
        `list ${r.list} over ${r.via} in ${secs}s: stored ${r.stored}, duplicates skipped ${r.duplicates}, deleted ${r.deleted}, rejected ${r.rejected}; cpu ${(cpuMs / 1000).toFixed(1)}s (${(cpuMs / Math.max(r.stored, 1)).toFixed(1)} ms/message stored)`,
      );
      if (r.error) {
        console.error(`  sync of ${r.list} failed: ${r.error}`);
        code = 1;
      }
    } catch (error) {
      console.error(`sync of ${s} failed: ${(error as Error).message}`);
      code = 1;
    }
  }
  if (database.target === "embedded") await database.pool.query("VACUUM ANALYZE");
} catch (error) {
  console.error(`sync failed: ${(error as Error).message}`);
  code = 1;
} finally {
  await database.end();
}
process.exit(code);
