import { describe, expect, it } from "vitest";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

type Json = Record<string, any>;

describe("the app refuses to serve until the database is ready", () => {
  it("pending migrations: ready and every other route answer 503 migrations_pending", async () => {
    const bindings = envWith("fresh_worker_pending");
    const ready = await callApp("/api/v1/health/ready", bindings);
    const body = (await ready.json()) as Json;
    expect(ready.status).toBe(503);
    expect(body.reason).toBe("migrations_pending");
    expect(body.migrations.applied).toEqual([]);
    expect(body.migrations.pending.length).toBeGreaterThanOrEqual(3);
    expect(body.database.reachable).toBe(true);

    for (const path of ["/api/v1/lists", "/api/v1/search?q=kgdb", "/admin/v1/jobs", "/no/such/route"]) {
      const res = await callApp(path, bindings);
      expect(res.status, path).toBe(503);
      expect(((await res.json()) as Json).error.code, path).toBe("migrations_pending");
    }
    // Liveness never depends on the database.
    expect((await callApp("/api/v1/health/live", bindings)).status).toBe(200);
  });

  it("a drifted migration (checksum differs from the deployed file): 503 migrations_drifted", async () => {
    const bindings = envWith("worker_drift");
    expect((await callApp("/api/v1/health/ready", bindings)).status).toBe(200);
    const db = workerDatabase(bindings);
    await db.pool.query(
      "update drizzle.__drizzle_migrations set hash = 'edited' where created_at = (select max(created_at) from drizzle.__drizzle_migrations)",
    );
    await db.end();
    const ready = await callApp("/api/v1/health/ready", bindings);
    const body = (await ready.json()) as Json;
    expect(ready.status).toBe(503);
    expect(body.reason).toBe("migrations_drifted");
    expect(body.migrations.drifted).toHaveLength(1);
    const lists = await callApp("/api/v1/lists", bindings);
    expect(lists.status).toBe(503);
    expect(((await lists.json()) as Json).error.code).toBe("migrations_drifted");
  });

  it("an unreachable database: 503 database_unavailable, live still 200", async () => {
    const bindings = envWith("worker_unreachable", { NEXUS_WS_PROXY: "127.0.0.1:9" });
    const ready = await callApp("/api/v1/health/ready", bindings);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as Json).reason).toBe("database_unavailable");
    const lists = await callApp("/api/v1/lists", bindings);
    expect(lists.status).toBe(503);
    expect(((await lists.json()) as Json).error.code).toBe("database_unavailable");
    expect((await callApp("/api/v1/health/live", bindings)).status).toBe(200);
  });

  it("no DATABASE_URL at all: 503 with a message saying so", async () => {
    const res = await callApp("/api/v1/lists", envWith("unused", { DATABASE_URL: undefined }));
    expect(res.status).toBe(503);
    expect(((await res.json()) as Json).error.message).toMatch(/DATABASE_URL/);
  });
});
