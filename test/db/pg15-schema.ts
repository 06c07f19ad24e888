import { inject } from "vitest";
import WebSocket from "ws";
import { createDatabase, type Database } from "../../db/client";
import { schemaSliceStatements } from "../../scripts/lib/schema-slice";

/** The PostgreSQL 15 server has no pgvector: concurrency tests there get a slice of the real schema. */
export async function createSchemaSlice(database: Database, tables: string[]): Promise<void> {
  for (const s of schemaSliceStatements(tables)) await database.pool.query(s);
}

/** Another pool (other sessions) on a PG15 database made by openPg15Database. */
export function connectPg15(name: string, poolMax = 4): Database {
  return createDatabase({
    url: `postgresql://postgres@127.0.0.1:5432/${name}`,
    wsProxy: inject("bridge"),
    webSocketConstructor: WebSocket,
    poolMax,
  });
}
