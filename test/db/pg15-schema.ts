import { readFileSync } from "node:fs";
import { inject } from "vitest";
import WebSocket from "ws";
import { createDatabase, type Database } from "../../db/client";

/**
 * The PostgreSQL 15 server has no pgvector, so concurrency tests there get a slice of the real schema: the
 * statements of our migrations that create the named tables (their enums, constraints, indexes, foreign keys
 * between them), minus the embedding column and trigram indexes. Taken from drizzle/*.sql, not retyped.
 */
const MIGRATIONS = ["0001_schema", "0003_backfill"];

export async function createSchemaSlice(database: Database, tables: string[]): Promise<void> {
  const keep = new Set(tables);
  const statements: string[] = [];
  for (const tag of MIGRATIONS) {
    const sql = readFileSync(new URL(`../../drizzle/${tag}.sql`, import.meta.url), "utf8");
    for (const raw of sql.split("--> statement-breakpoint")) {
      const s = raw.trim();
      const named = [...s.matchAll(/(?:TABLE|ON|REFERENCES|INDEX) "(?:public"\.")?([a-z_]+)"/g)].map(
        (m) => m[1]!,
      );
      if (s.startsWith("CREATE TYPE")) statements.push(s);
      else if (s.startsWith("CREATE TABLE")) {
        if (keep.has(named[0]!)) statements.push(s.replace(/^\s*"embedding" vector\(\d+\),\n/m, ""));
      } else if (s.startsWith("ALTER TABLE")) {
        if (named.every((t) => keep.has(t))) statements.push(s);
      } else if (/^CREATE (UNIQUE )?INDEX/.test(s)) {
        if (keep.has(named[1]!) && !s.includes("gin_trgm_ops")) statements.push(s);
      } else if (s.startsWith("DROP INDEX")) statements.push(s.replace("DROP INDEX", "DROP INDEX IF EXISTS"));
    }
  }
  for (const s of statements) await database.pool.query(s);
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
