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

/** Exact row counts of every table of the public schema, in one statement. */
async function rowCounts(pool: Pool): Promise<Record<string, number>> {
  const { rows: tables } = await pool.query<{ name: string; counted: string }>(
    `SELECT c.relname AS name, format('SELECT %L AS name, count(*)::bigint AS n FROM %I', c.relname, c.relname) AS counted
       FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  );
  if (tables.length === 0) return {};
  const { rows } = await pool.query<{ name: string; n: string }>(
    tables.map((t) => t.counted).join(" UNION ALL "),
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
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
    rowCounts: z.record(z.string(), z.number().int()),
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
          rowCounts: await rowCounts(pool),
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
