import { createMiddleware } from "hono/factory";
import type { AppBindings } from "../env";
import { ApiError } from "../lib/errors";
import { cachedReadiness } from "../lib/readiness";

/** Every route behind this answers 503 while the database is unreachable or its migrations are not in order. */
export const readinessMiddleware = createMiddleware<AppBindings>(async (c, next) => {
  const readiness = await cachedReadiness(c.var.pool, c.env.READINESS_TTL_MS);
  if (!readiness.ready && readiness.reason) {
    throw new ApiError(readiness.reason, readiness.message ?? "not ready", {
      migrations: readiness.migrations && {
        pending: readiness.migrations.pending,
        drifted: readiness.migrations.drifted,
        unknown: readiness.migrations.unknown,
      },
    });
  }
  await next();
});
