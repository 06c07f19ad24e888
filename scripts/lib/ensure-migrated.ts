import { migrationStatus } from "../../db/migration-status";
import type { ScriptDatabase } from "./database";
import { applyMigrations, loadMigrations } from "./migrations";

/**
 * The embedded database is ours to set up, as `npm start` does: apply what is pending. A server's schema
 * belongs to its deploy step, so there a pending or drifted migration stops the script with what to do.
 */
export async function ensureMigrated(database: ScriptDatabase): Promise<void> {
  if (database.target === "embedded") {
    const { applied } = await applyMigrations(database.pool, undefined, (tag) =>
      console.log(`applying migration ${tag} to the embedded database`),
    );
    if (applied.length) console.log(`applied ${applied.length} migration(s)`);
    return;
  }
  const status = await migrationStatus(database.pool, loadMigrations());
  if (!status.ready) {
    const problems = [
      status.pending.length && `pending: ${status.pending.join(", ")}`,
      status.drifted.length && `drifted: ${status.drifted.join(", ")}`,
      status.unknown.length && `unknown to this code: ${status.unknown.join(", ")}`,
    ].filter(Boolean);
    throw new Error(
      `the database's migrations are not in order (${problems.join("; ")}): run npm run db:migrate first`,
    );
  }
}
