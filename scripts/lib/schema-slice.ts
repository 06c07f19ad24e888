import { loadMigrations, splitStatements } from "./migrations";

/**
 * For a server without pgvector (the machine's PostgreSQL 15): the statements of our migrations that create
 * the named tables (all enums, their constraints and indexes, foreign keys between them), minus the embedding
 * column, the vector index and trigram indexes (GIN and GiST); with the SQL functions the migrations define (indexes use
 * them: thread_subject_key, search_bucket) and btree_gin. Taken from drizzle/*.sql, never retyped, so concurrency tests
 * and benchmarks there run on the real table definitions.
 */
export function schemaSliceStatements(tables: string[]): string[] {
  const keep = new Set(tables);
  const out: string[] = [];
  for (const migration of loadMigrations()) {
    for (const statement of splitStatements(migration.up)) {
      // a migration's leading comment is not part of its first statement's kind
      const s = statement.replace(/^(?:\s*--[^\n]*\n)*\s*/, "");
      const named = [...s.matchAll(/(?:TABLE|ON|REFERENCES|INDEX) "(?:public"\.")?([a-z_]+)"/g)].map(
        (m) => m[1]!,
      );
      if (s.startsWith("CREATE TYPE")) out.push(s);
      // the text indexes key by an integer too (migration 0019): btree_gin is a contrib module, as on every server
      else if (s.startsWith("CREATE EXTENSION IF NOT EXISTS btree_gin")) out.push(s);
      else if (s.startsWith("CREATE FUNCTION")) out.push(s);
      else if (s.startsWith("CREATE TABLE")) {
        if (keep.has(named[0]!)) out.push(s.replace(/^\s*"embedding" vector\(\d+\),\n/m, ""));
      } else if (s.startsWith("ALTER TABLE")) {
        if (named.every((t) => keep.has(t))) out.push(s);
      } else if (/^CREATE (UNIQUE )?INDEX/.test(s)) {
        if (keep.has(named[1]!) && !s.includes("_trgm_ops")) out.push(s);
      } else if (s.startsWith("DROP INDEX")) out.push(s.replace("DROP INDEX", "DROP INDEX IF EXISTS"));
      // a table a migration rebuilds (0005's email_recipients) is dropped before its new definition
      else if (s.startsWith("DROP TABLE") && keep.has(named[0]!)) out.push(s);
    }
  }
  return out;
}
