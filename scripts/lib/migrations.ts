import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Pool, PoolClient } from "@neondatabase/serverless";
import {
  type KnownMigration,
  MIGRATIONS_SCHEMA,
  MIGRATIONS_TABLE,
  type MigrationStatus,
  migrationStatus,
} from "../../db/migration-status";
import { withTransaction } from "../../db/transaction";

/** A migration read from drizzle/: drizzle-kit's journal, the up SQL and our handwritten down SQL. */
export interface MigrationFile extends KnownMigration {
  up: string;
  down: string | undefined;
}

export const MIGRATIONS_DIR = resolve(import.meta.dirname, "../../drizzle");

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

export function loadMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const journalPath = join(dir, "meta", "_journal.json");
  if (!existsSync(journalPath)) return [];
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as Journal;
  return journal.entries
    .sort((a, b) => a.idx - b.idx)
    .map((entry) => {
      const up = readFileSync(join(dir, `${entry.tag}.sql`), "utf8");
      const downPath = join(dir, `${entry.tag}.down.sql`);
      const down = existsSync(downPath) ? readFileSync(downPath, "utf8") : undefined;
      return {
        tag: entry.tag,
        when: entry.when,
        // The same checksum drizzle's migrator records, so both tools agree on what is applied.
        hash: createHash("sha256").update(up).digest("hex"),
        hasDown: down !== undefined,
        up,
        down,
      };
    });
}

/** drizzle-kit separates statements with this marker; the runner sends them one by one. */
export function splitStatements(sql: string): string[] {
  return sql
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter((s) => s.replace(/--[^\n]*/g, "").trim().length > 0);
}

export class MigrationError extends Error {}

/** One transaction per migration; two deploys at once wait for each other (a no-op on PGlite: one session). */
function inTransaction(pool: Pool, fn: (client: PoolClient) => Promise<void>): Promise<void> {
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('nexus:migrations'))");
    await fn(client);
  });
}

const BOOKKEEPING = [
  `CREATE SCHEMA IF NOT EXISTS ${MIGRATIONS_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
];

export interface ApplyResult {
  applied: string[];
  status: MigrationStatus;
}

/**
 * Applies every pending migration, each in its own transaction together with its bookkeeping row. Refuses to
 * start while anything is drifted or unknown, or when a pending migration has no down file.
 */
export async function applyMigrations(
  pool: Pool,
  files: MigrationFile[] = loadMigrations(),
  onProgress: (tag: string) => void = () => {},
): Promise<ApplyResult> {
  const before = await migrationStatus(pool, files);
  if (before.drifted.length > 0) {
    throw new MigrationError(
      `applied migrations were edited since (checksum differs): ${before.drifted.join(", ")}. ` +
        "Restore the files, or revert them first with the old files.",
    );
  }
  if (before.unknown.length > 0) {
    throw new MigrationError(
      `the database has migrations this code does not know (created_at ${before.unknown.join(", ")}): deploy the newer code or roll them back with it`,
    );
  }
  const pending = files.filter((f) => before.pending.includes(f.tag));
  const noDown = pending.filter((f) => f.down === undefined).map((f) => f.tag);
  if (noDown.length > 0) {
    throw new MigrationError(
      `refusing to apply migrations without a down file: ${noDown.map((t) => `drizzle/${t}.down.sql`).join(", ")}`,
    );
  }
  const applied: string[] = [];
  for (const file of pending) {
    onProgress(file.tag);
    try {
      await inTransaction(pool, async (client) => {
        for (const statement of BOOKKEEPING) await client.query(statement);
        for (const statement of splitStatements(file.up)) await client.query(statement);
        await client.query(
          `INSERT INTO ${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE} (hash, created_at) VALUES ($1, $2)`,
          [file.hash, file.when],
        );
      });
    } catch (error) {
      throw new MigrationError(
        `migration ${file.tag} failed and was rolled back: ${(error as Error).message}`,
      );
    }
    applied.push(file.tag);
  }
  return { applied, status: await migrationStatus(pool, files) };
}

/** Reverts the latest `steps` applied migrations with their down files, newest first, each in a transaction. */
export async function revertMigrations(
  pool: Pool,
  steps = 1,
  files: MigrationFile[] = loadMigrations(),
  onProgress: (tag: string) => void = () => {},
): Promise<{ reverted: string[]; status: MigrationStatus }> {
  const status = await migrationStatus(pool, files);
  if (status.unknown.length > 0) {
    throw new MigrationError(
      `the database has migrations this code does not know (created_at ${status.unknown.join(", ")}): ` +
        "revert them with the code that applied them first; reverting an older one beneath them could break them",
    );
  }
  const appliedFiles = files.filter((f) => status.applied.includes(f.tag) || status.drifted.includes(f.tag));
  const targets = appliedFiles.slice(-steps).reverse();
  const reverted: string[] = [];
  for (const file of targets) {
    if (file.down === undefined)
      throw new MigrationError(`cannot revert ${file.tag}: drizzle/${file.tag}.down.sql is missing`);
    onProgress(file.tag);
    const down = file.down;
    try {
      await inTransaction(pool, async (client) => {
        for (const statement of splitStatements(down)) await client.query(statement);
        await client.query(`DELETE FROM ${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE} WHERE created_at = $1`, [
          file.when,
        ]);
      });
    } catch (error) {
      throw new MigrationError(
        `reverting ${file.tag} failed and was rolled back: ${(error as Error).message}`,
      );
    }
    reverted.push(file.tag);
  }
  return { reverted, status: await migrationStatus(pool, files) };
}
