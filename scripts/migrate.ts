// npm run db:migrate | db:rollback [-- --steps N] | db:status [-- --json]
// Works on DATABASE_URL when set (use Neon's direct, non-pooler URL), else on the embedded database.
import { migrationStatus } from "../db/migration-status";
import { openScriptDatabase } from "./lib/database";
import { applyMigrations, loadMigrations, MigrationError, revertMigrations } from "./lib/migrations";

const [command, ...args] = process.argv.slice(2);
const json = args.includes("--json");

function parseSteps(): number {
  const i = args.indexOf("--steps");
  if (i === -1) return 1;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--steps takes a whole number of at least 1, got ${JSON.stringify(args[i + 1])}`);
    process.exit(2);
  }
  return n;
}

if (!["run", "revert", "status"].includes(command ?? "")) {
  console.error("usage: tsx scripts/migrate.ts run | revert [--steps N] | status [--json]");
  process.exit(2);
}
const steps = command === "revert" ? parseSteps() : 1;
const files = loadMigrations();
const database = await openScriptDatabase({ poolMax: 2 }).catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
let exitCode = 0;
try {
  if (command === "run") {
    const { applied, status } = await applyMigrations(database.pool, files, (tag) =>
      console.log(`applying ${tag}`),
    );
    console.log(
      applied.length
        ? `applied ${applied.length} migration(s) on ${database.target}`
        : `nothing to apply on ${database.target}`,
    );
    console.log(`vector index: ${status.vectorIndex}`);
  } else if (command === "revert") {
    const { reverted } = await revertMigrations(database.pool, steps, files, (tag) =>
      console.log(`reverting ${tag}`),
    );
    console.log(reverted.length ? `reverted ${reverted.length} migration(s)` : "nothing to revert");
  } else {
    const status = await migrationStatus(database.pool, files);
    if (json) console.log(JSON.stringify({ target: database.target, ...status }, null, 2));
    else {
      console.log(`database: ${database.target}`);
      for (const f of files) {
        const state = status.drifted.includes(f.tag)
          ? "DRIFTED"
          : status.pending.includes(f.tag)
            ? "pending"
            : "applied";
        console.log(`  ${state.padEnd(8)} ${f.tag}${f.hasDown ? "" : "  (no down file!)"}`);
      }
      for (const u of status.unknown) console.log(`  UNKNOWN  created_at ${u} (not in this code base)`);
      console.log(`vector index: ${status.vectorIndex}; ready: ${status.ready}`);
    }
    if (!status.ready || status.missingDown.length > 0) exitCode = 1;
  }
} catch (error) {
  console.error(error instanceof MigrationError ? `error: ${error.message}` : error);
  exitCode = 1;
} finally {
  await database.end();
}
process.exit(exitCode);
