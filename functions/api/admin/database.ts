import { createRoute, z } from "@hono/zod-openapi";
import type { Pool } from "@neondatabase/serverless";
import { migrationStatus } from "../../../db/migration-status";
import { MIGRATIONS } from "../../../db/migrations.manifest";
import { JOB_STATES } from "../../jobs/queue";
import { createRouter } from "../../lib/router";
import { searchIndexStatus } from "../../search-index/status";
import { errorResponses, jsonContent } from "../v1/params";
import { adminErrorResponses } from "./present";
import { searchIndexStatusSchema } from "./search-index";

/** Tables the planner believes hold more rows than this are not counted: their estimate is given instead. */
const EXACT_COUNT_BELOW = 100_000;

/**
 * Row counts of every table of the public schema: exact (one statement) for tables the planner's statistics
 * put below EXACT_COUNT_BELOW rows or has not counted yet (reltuples -1), else the statistics' estimate, which
 * autovacuum keeps current: count(*) over a mirror of millions of messages would take the route seconds.
 */
async function rowCounts(pool: Pool): Promise<{ counts: Record<string, number>; estimated: string[] }> {
  const { rows: tables } = await pool.query<{ name: string; estimate: string; counted: string }>(
    `SELECT c.relname AS name, c.reltuples::bigint AS estimate,
            format('SELECT %L AS name, count(*)::bigint AS n FROM %I', c.relname, c.relname) AS counted
       FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  );
  // reltuples is -1 for a table never counted by VACUUM or ANALYZE: below the bound, so counted exactly
  const large = (t: { estimate: string }) => Number(t.estimate) >= EXACT_COUNT_BELOW;
  const counts = new Map(tables.filter(large).map((t) => [t.name, Number(t.estimate)]));
  const exact = tables.filter((t) => !large(t));
  if (exact.length > 0) {
    const { rows } = await pool.query<{ name: string; n: string }>(
      exact.map((t) => t.counted).join(" UNION ALL "),
    );
    for (const r of rows) counts.set(r.name, Number(r.n));
  }
  return {
    counts: Object.fromEntries(tables.map((t) => [t.name, counts.get(t.name)!])),
    estimated: tables.filter(large).map((t) => t.name),
  };
}

const statusSchema = z
  .object({
    migrations: z.object({
      applied: z.array(z.string()),
      pending: z.array(z.string()),
      drifted: z.array(z.string()),
      unknown: z.array(z.number()),
      missingDown: z.array(z.string()),
      vectorIndex: z.enum(["vchordrq", "hnsw", "none"]),
      ready: z.boolean(),
    }),
    server: z.object({ version: z.string(), database: z.string(), sizeBytes: z.number() }),
    rowCounts: z.record(z.string(), z.number().int()).openapi({
      description: `rows per table: exact below ${EXACT_COUNT_BELOW.toLocaleString("en")} rows, else the planner's estimate`,
    }),
    estimatedRowCounts: z.array(z.string()).openapi({ description: "the tables whose count is an estimate" }),
    extensions: z.array(z.object({ name: z.string(), version: z.string() })),
    indexes: z.array(z.object({ table: z.string(), name: z.string(), method: z.string() })),
    jobs: z.record(z.string(), z.number().int()).openapi({ description: "jobs per state" }),
    searchIndex: searchIndexStatusSchema.omit({ refreshJobs: true }),
  })
  .openapi("DatabaseStatus");

export const databaseRouter = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/database/status",
    tags: ["database"],
    summary: "Migrations, row counts, extensions, index kinds, jobs per state and search backfill progress",
    responses: {
      200: jsonContent(z.object({ data: statusSchema }), "the status"),
      ...errorResponses,
      ...adminErrorResponses,
    },
  }),
  async (c) => {
    const pool = c.var.pool;
    const migrations = await migrationStatus(pool, MIGRATIONS);
    const { rows: server } = await pool.query<{ version: string; database: string; size: string }>(
      "SELECT current_setting('server_version') AS version, current_database() AS database, pg_database_size(current_database()) AS size",
    );
    const { rows: extensions } = await pool.query<{ name: string; version: string }>(
      "SELECT extname AS name, extversion AS version FROM pg_extension ORDER BY extname",
    );
    const { rows: indexes } = await pool.query<{ table: string; name: string; method: string }>(
      `SELECT t.relname AS table, i.relname AS name, am.amname AS method
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_am am ON am.oid = i.relam
        WHERE t.relnamespace = 'public'::regnamespace ORDER BY t.relname, i.relname`,
    );
    const { rows: jobStates } = await pool.query<{ state: string; n: number }>(
      "SELECT state::text, count(*)::int AS n FROM sync_jobs GROUP BY state",
    );
    const rows = await rowCounts(pool);
    const jobs = Object.fromEntries(JOB_STATES.map((s) => [s, jobStates.find((r) => r.state === s)?.n ?? 0]));
    return c.json(
      {
        data: {
          migrations,
          server: {
            version: server[0]!.version,
            database: server[0]!.database,
            sizeBytes: Number(server[0]!.size),
          },
          rowCounts: rows.counts,
          estimatedRowCounts: rows.estimated,
          extensions,
          indexes,
          jobs,
          searchIndex: await searchIndexStatus(pool),
        },
      },
      200,
    );
  },
);
