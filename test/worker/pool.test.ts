import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../db/client";
import { bridgeConnections, callApp, databaseTarget, envWith } from "../helpers/worker";

describe("one pool per request, ended with waitUntil", () => {
  // PGlite behind the bridge queues any number of connections; PostgreSQL 15 refuses clients beyond its
  // max_connections (100, shared with the other projects), so the native target sends 60 at once.
  const concurrent = databaseTarget === "native" ? 60 : 200;
  it(`${concurrent} concurrent requests through the Worker leave no connection open on the bridge`, async () => {
    const bindings = envWith("worker");
    const responses = await Promise.all(
      Array.from({ length: concurrent }, (_, i) =>
        exports.default.fetch(`http://nexus/${i % 2 ? "api/v1/health/ready" : "api/v1/lists"}`),
      ),
    );
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    let open = await bridgeConnections(bindings);
    for (let i = 0; i < 50 && open > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      open = await bridgeConnections(bindings);
    }
    expect(open).toBe(0);
  });

  // Uses the PostgreSQL 15 server directly: the worker project runs it, worker-native would only repeat it.
  it.skipIf(databaseTarget === "native")(
    "on a real multi-session server (PostgreSQL 15) the server sees every request's session closed",
    async () => {
      // A new, unmigrated database: /health/ready answers migrations_pending, still opening a session per request.
      // 80 at once stays under the server's max_connections (100), so each gets a real session.
      const server = "postgresql://postgres@127.0.0.1:5432";
      const bindings = envWith("unused", { DATABASE_URL: `${server}/nexus_test_pool` });
      const admin = createDatabase({
        url: `${server}/postgres`,
        wsProxy: bindings.NEXUS_WS_PROXY,
        poolMax: 1,
      });
      await admin.pool.query("DROP DATABASE IF EXISTS nexus_test_pool WITH (FORCE)");
      await admin.pool.query("CREATE DATABASE nexus_test_pool");
      const responses = await Promise.all(
        Array.from({ length: 80 }, () => callApp("/api/v1/health/ready", bindings)),
      );
      const reasons = await Promise.all(
        responses.map(async (r) => ((await r.json()) as { reason: string }).reason),
      );
      expect(new Set(reasons)).toEqual(new Set(["migrations_pending"]));
      try {
        let others = -1;
        for (let i = 0; i < 50; i++) {
          const { rows } = await admin.pool.query(
            "select count(*)::int as n from pg_stat_activity where datname = 'nexus_test_pool' and backend_type = 'client backend'",
          );
          others = rows[0].n;
          if (others === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(others).toBe(0);
      } finally {
        await admin.end();
      }
    },
  );
});
