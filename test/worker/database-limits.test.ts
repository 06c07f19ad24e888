import { describe, expect, inject, it } from "vitest";
import { createDatabase } from "../../db/client";
import { callApp, databaseTarget, envWith } from "../helpers/worker";

type Json = { error: { code: string; message: string } };

async function timed(path: string, bindings: ReturnType<typeof envWith>, init?: RequestInit) {
  const t0 = Date.now();
  const res = await callApp(path, bindings, init);
  return { res, ms: Date.now() - t0 };
}

// PGlite runs no timers (statement_timeout is accepted and never fires: measured), and its one session has no
// locks to wait for: the request timeout is a property of the native server.
describe.skipIf(databaseTarget === "embedded")("a request's statement timeout (STATEMENT_TIMEOUT_MS)", () => {
  it("a statement past it is cancelled by the server: 504 database_timeout, a page for browsers; then 200 again", async () => {
    const bindings = envWith("worker_statement_timeout", { STATEMENT_TIMEOUT_MS: "400" });
    expect((await callApp("/api/v1/lists", bindings)).status).toBe(200);
    // Another session holds the table the request reads: its SELECT waits, as a slow statement would.
    const holder = createDatabase({
      url: bindings.DATABASE_URL!,
      wsProxy: bindings.NEXUS_WS_PROXY,
      poolMax: 1,
    });
    const client = await holder.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("LOCK TABLE mailing_lists IN ACCESS EXCLUSIVE MODE");
      const json = await timed("/api/v1/lists", bindings);
      const body = (await json.res.json()) as Json;
      expect(json.res.status, JSON.stringify(body)).toBe(504);
      expect(body.error.code).toBe("database_timeout");
      expect(json.ms).toBeGreaterThanOrEqual(400);
      expect(json.ms).toBeLessThan(5_000);

      const page = await timed("/kgdb-bugreport/", bindings, { headers: { accept: "text/html" } });
      expect(page.res.status).toBe(504);
      expect(page.res.headers.get("content-type")).toMatch(/text\/html/);
      expect(await page.res.text()).toContain("Took too long");
      expect(page.ms).toBeLessThan(5_000);
      console.log(`statement timeout 400 ms: JSON 504 after ${json.ms} ms, page 504 after ${page.ms} ms`);

      // the cancelled statements left no session waiting on the lock
      const { rows } = await client.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      expect(rows[0].n).toBe(0);
    } finally {
      await client.query("ROLLBACK");
      client.release();
      await holder.end();
    }
    expect((await callApp("/api/v1/lists", bindings)).status).toBe(200);
  });

  it("a pool whose statement was cancelled keeps serving: the next query gets a connection, the old one is gone", async () => {
    const bindings = envWith("worker_statement_timeout");
    const database = createDatabase({
      url: bindings.DATABASE_URL!,
      wsProxy: bindings.NEXUS_WS_PROXY,
      poolMax: 1,
      statementTimeoutMs: 200,
    });
    try {
      const pid = (await database.pool.query("select pg_backend_pid() as pid")).rows[0].pid;
      await expect(database.pool.query("select pg_sleep(2)")).rejects.toMatchObject({ code: "57014" });
      // the pool drops a connection whose query failed and opens another, with the same setting
      const after = await database.pool.query(
        "select current_setting('statement_timeout') as t, (select count(*)::int from pg_stat_activity where pid = $1) as old",
        [pid],
      );
      expect(after.rows[0]).toEqual({ t: "200ms", old: 0 });
    } finally {
      await database.end();
    }
  });
});

describe("waiting for a connection is bounded (DB_CONNECT_TIMEOUT_MS)", () => {
  it("a pool whose connections are all taken makes the next query wait that long, then fail as unavailable", async () => {
    const bindings = envWith("worker_statement_timeout");
    // the test database exists before the clock starts (an embedded one is made on first use, ~1 s)
    expect((await callApp("/api/v1/health/ready", bindings)).status).toBe(200);
    const database = createDatabase({
      url: bindings.DATABASE_URL!,
      wsProxy: bindings.NEXUS_WS_PROXY,
      poolMax: 1,
      connectTimeoutMs: 300,
    });
    const held = await database.pool.connect();
    try {
      const t0 = Date.now();
      await expect(database.pool.query("select 1")).rejects.toThrow(
        /timeout exceeded when trying to connect/,
      );
      const ms = Date.now() - t0;
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(2_000);
    } finally {
      held.release();
    }
    expect((await database.pool.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
    await database.end();
  });

  it("a server that takes the connection and never answers (a pooler queueing clients): 503 database_unavailable, no hang", async () => {
    const bindings = envWith("unused", {
      DATABASE_URL: `postgresql://postgres@${inject("silentServer")}/nexus`,
      DB_CONNECT_TIMEOUT_MS: "500",
    });
    for (const [path, init] of [
      ["/api/v1/lists", undefined],
      ["/kgdb-bugreport/", { headers: { accept: "text/html" } }],
    ] as const) {
      const { res, ms } = await timed(path, bindings, init);
      expect(res.status, path).toBe(503);
      if (!init) expect(((await res.json()) as Json).error.code).toBe("database_unavailable");
      else expect(await res.text()).toContain("Archive unavailable");
      expect(ms, path).toBeGreaterThanOrEqual(500);
      expect(ms, path).toBeLessThan(3_000);
      console.log(`connect timeout 500 ms, silent server: ${path} ${res.status} after ${ms} ms`);
    }
  });
});
