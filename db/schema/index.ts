// Every table and enum of the database. db/client.ts passes this module to Drizzle, drizzle.config.ts to
// drizzle-kit. The vector index on emails.embedding is not here: migration 0002 picks vchordrq or hnsw.
// DESC index columns are NULLS FIRST, Postgres' default for ORDER BY … DESC, so plain `desc(col)` uses them.
export * from "./authors";
export * from "./emails";
export * from "./jobs";
export * from "./lists";
export * from "./threads";
export * from "./users";
