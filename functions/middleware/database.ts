import { createMiddleware } from "hono/factory";
import { createDatabase, parsePoolMax, parseWholeNumber } from "../../db/client";
import type { AppBindings, Env } from "../env";
import { ApiError } from "../lib/errors";

export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens a pool through the one client factory: each request's (the pool cannot outlive the request on
 * Workers) and each cron run's. Requests pass `request: true`: every statement is bounded by
 * STATEMENT_TIMEOUT_MS and waiting for a connection by DB_CONNECT_TIMEOUT_MS, so a request answers 503/504
 * instead of hanging. The cron run bounds its own work (its budget, the backfill's per-batch timeout).
 */
export function openDatabase(env: Env, { request = false }: { request?: boolean } = {}) {
  if (!env.DATABASE_URL) throw new ApiError("database_unavailable", "DATABASE_URL is not configured");
  try {
    return createDatabase({
      url: env.DATABASE_URL,
      wsProxy: env.NEXUS_WS_PROXY,
      poolMax: parsePoolMax(env.DB_POOL_MAX),
      ...(request && {
        statementTimeoutMs: parseWholeNumber(
          "STATEMENT_TIMEOUT_MS",
          env.STATEMENT_TIMEOUT_MS,
          DEFAULT_STATEMENT_TIMEOUT_MS,
          1,
          600_000,
        ),
        connectTimeoutMs: parseWholeNumber(
          "DB_CONNECT_TIMEOUT_MS",
          env.DB_CONNECT_TIMEOUT_MS,
          DEFAULT_CONNECT_TIMEOUT_MS,
          1,
          600_000,
        ),
      }),
    });
  } catch (error) {
    throw new ApiError("database_unavailable", (error as Error).message);
  }
}

export const databaseMiddleware = createMiddleware<AppBindings>(async (c, next) => {
  const database = openDatabase(c.env, { request: true });
  c.set("db", database.db);
  c.set("pool", database.pool);
  const held: Promise<unknown>[] = [];
  c.set("holdDatabase", (work) => held.push(work));
  try {
    await next();
  } finally {
    const ended = Promise.allSettled(held)
      .then(() => database.end())
      .catch(() => {});
    // app.request() in unit tests has no execution context: then just wait for the pool to end, unless a
    // response body still reads from it (it is read after this returns).
    let ctx: ExecutionContext | undefined;
    try {
      ctx = c.executionCtx;
    } catch {}
    if (ctx) ctx.waitUntil(ended);
    else if (held.length === 0) await ended;
  }
});
