import { checkReadiness, rememberReadiness } from "../lib/readiness";
import { createRouter } from "../lib/router";

/** Liveness needs nothing, not even a database: mounted before the database middleware. */
export const livenessRouter = createRouter().get("/live", (c) =>
  c.json({ status: "live", time: new Date().toISOString() }),
);

/** Readiness checks the database and migrations afresh (and refreshes the isolate's cached verdict). */
export const readinessRouter = createRouter().get("/ready", async (c) => {
  const readiness = rememberReadiness(await checkReadiness(c.var.pool), c.env.READINESS_TTL_MS);
  const m = readiness.migrations;
  const body = {
    status: readiness.ready ? "ready" : "not_ready",
    reason: readiness.reason ?? null,
    message: readiness.message ?? null,
    database: readiness.database,
    migrations: m && {
      applied: m.applied,
      pending: m.pending,
      drifted: m.drifted,
      unknown: m.unknown,
      vectorIndex: m.vectorIndex,
    },
    checkedAt: readiness.checkedAt,
  };
  return c.json(body, readiness.ready ? 200 : 503);
});
