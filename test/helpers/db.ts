import { inject } from "vitest";
import WebSocket from "ws";
import { createDatabase, type Database } from "../../db/client";

/**
 * A database for Node-side tests, reached through the real bridge and the real driver. Each name is its own
 * in-memory PGlite: `fresh_<name>` is empty, any other name has every migration applied.
 */
export function openTestDatabase(name: string, poolMax = 5): Database {
  return createDatabase({
    url: `postgresql://postgres@pglite:5432/${name}`,
    wsProxy: inject("bridge"),
    webSocketConstructor: WebSocket,
    poolMax,
  });
}

const PG15 = "postgresql://postgres@127.0.0.1:5432";

/**
 * A new, empty database on the machine's PostgreSQL 15 (real sessions: locks, SKIP LOCKED; no pgvector),
 * reached through the bridge's TCP relay with the same driver. Dropped and recreated on each call.
 */
export async function openPg15Database(name: string, poolMax = 5): Promise<Database> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = createDatabase({
    url: `${PG15}/postgres`,
    wsProxy: inject("bridge"),
    webSocketConstructor: WebSocket,
    poolMax: 1,
  });
  try {
    await admin.pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.pool.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return createDatabase({
    url: `${PG15}/${name}`,
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
