import { createMiddleware } from "hono/factory";
import { createDatabase, parsePoolMax } from "../../db/client";
import type { AppBindings, Env } from "../env";
import { ApiError } from "../lib/errors";

/** Opens this request's pool through the one client factory. The pool cannot outlive the request on Workers. */
export function openDatabase(env: Env) {
  if (!env.DATABASE_URL) throw new ApiError("database_unavailable", "DATABASE_URL is not configured");
  let poolMax: number;
  try {
    poolMax = parsePoolMax(env.DB_POOL_MAX);
  } catch (error) {
    throw new ApiError("database_unavailable", (error as Error).message);
  }
  return createDatabase({ url: env.DATABASE_URL, wsProxy: env.NEXUS_WS_PROXY, poolMax });
}

export const databaseMiddleware = createMiddleware<AppBindings>(async (c, next) => {
  const database = openDatabase(c.env);
  c.set("db", database.db);
  c.set("pool", database.pool);
  try {
    await next();
  } finally {
    const ended = database.end().catch(() => {});
    // app.request() in unit tests has no execution context: then just wait for the pool to end.
    let ctx: ExecutionContext | undefined;
    try {
      ctx = c.executionCtx;
    } catch {}
    if (ctx) ctx.waitUntil(ended);
    else await ended;
  }
});
