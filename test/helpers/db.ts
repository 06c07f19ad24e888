import { inject } from "vitest";
import WebSocket from "ws";
import { createDatabase, type Database } from "../../db/client";

/** Where openTestDatabase's databases live: in-memory PGlite (db) or PostgreSQL 15 with pgvector (db-native). */
export const databaseTarget = inject("databaseTarget");

/**
 * A database for Node-side tests, reached through the real bridge and the real driver. Each name is its own
 * database (test/setup/databases.ts): `fresh_<name>` is empty, any other name has every migration applied.
 */
export function openTestDatabase(name: string, poolMax = 5): Database {
  return createDatabase({
    url: `postgresql://postgres@pglite:5432/${name}`,
    wsProxy: inject("bridge"),
    webSocketConstructor: WebSocket,
    poolMax,
  });
}

const PG15 = "127.0.0.1:5432";

/**
 * A role on PostgreSQL 15 that is not a superuser. pgvector is not a trusted extension (its control file says
 * nothing of `trusted`), so this role cannot create it: a database it owns is a server without pgvector as far
 * as our migrations can tell, although the machine has pgvector installed.
 */
export const PG15_UNPRIVILEGED_ROLE = "nexus_test_unprivileged";

/** The URL of a database on the machine's PostgreSQL 15 (trust auth), as `role`. */
export function pg15Url(name: string, role = "postgres"): string {
  return `postgresql://${role}@${PG15}/${name}`;
}

/**
 * A new, empty database on the machine's PostgreSQL 15 (real sessions: locks, SKIP LOCKED), reached through
 * the bridge's TCP relay with the same driver. Dropped and recreated on each call. With `owner` the database
 * belongs to that role (created when missing, without superuser) and the pool connects as it.
 */
export async function openPg15Database(
  name: string,
  poolMax = 5,
  { owner }: { owner?: string } = {},
): Promise<Database> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = createDatabase({
    url: pg15Url("postgres"),
    wsProxy: inject("bridge"),
    webSocketConstructor: WebSocket,
    poolMax: 1,
  });
  try {
    if (owner) {
      // Two projects may ask at once: a role that appeared meanwhile is fine.
      await admin.pool.query(`DO $$ BEGIN CREATE ROLE ${owner} LOGIN NOSUPERUSER;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    }
    await admin.pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.pool.query(`CREATE DATABASE ${name}${owner ? ` OWNER ${owner}` : ""}`);
  } finally {
    await admin.end();
  }
  return createDatabase({
    url: pg15Url(name, owner),
    wsProxy: inject("bridge"),
    webSocketConstructor: WebSocket,
    poolMax,
  });
}

/** Open connections on the bridge right now (each driver connection is one WebSocket). */
export async function bridgeConnections(): Promise<number> {
  const res = await fetch(`http://${inject("bridge")}/stats`);
  return ((await res.json()) as { open: number }).open;
}
