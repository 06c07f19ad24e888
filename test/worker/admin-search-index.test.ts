import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fedoraMbox from "../../../shared/corpus/jwz-fedora/2010-January.txt?raw";
import { runScheduled } from "../../functions/cron";
import { corpusMessages, seedEmails } from "../../scripts/lib/seed-emails";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

// Search index status and refresh, and the database status, through the real app in the Workers runtime.
const env = { ...envWith("admin_search_index"), CRON_BUDGET_MS: "1500" };
const auth = { authorization: `Bearer ${env.ADMIN_TOKEN}` };
const messages = corpusMessages(new TextEncoder().encode(fedoraMbox));

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await callApp(path, env, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

let db: ReturnType<typeof workerDatabase>;
beforeAll(async () => {
  db = workerDatabase(env);
  await seedEmails(db.pool, messages, { list: "fedora-devel", count: 1500 });
  await seedEmails(db.pool, messages.slice(0, 10), { list: "other", count: 10 });
});
afterAll(() => db.end());

describe("admin: search index", () => {
  it("reports remaining rows, then rate, last run and progress after scheduled runs", async () => {
    const before = await call("GET", "/admin/v1/search/index/status");
    expect(before.status).toBe(200);
    expect(before.body.data).toMatchObject({
      recipeVersion: 1,
      emails: 1510,
      remaining: { total: 1510, missing: 1510, outdated: 0 },
      lastRun: null,
      backfilledRows: 0,
      lastError: null,
      refreshJobs: [],
    });

    const report = await runScheduled({ cron: "test" }, env);
    const rows = (report.tasks["search-backfill"] as { rows: number }).rows;
    expect(rows).toBeGreaterThan(0);
    const after = (await call("GET", "/admin/v1/search/index/status")).body.data;
    expect(after.remaining.total).toBe(1510 - rows);
    expect(after.backfilledRows).toBe(rows);
    expect(after.lastRun.rows).toBe(rows);
    expect(after.lastRun.rowsPerSecond).toBeGreaterThan(0);
    expect(Date.now() - Date.parse(after.lastRun.at)).toBeLessThan(60_000);
  });

  it("queues one refresh per scope: 202 with the job, 200 with the same job while it is queued", async () => {
    const first = await call("POST", "/admin/v1/search/index/refresh", { list: "other" });
    expect(first.status).toBe(202);
    expect(first.body.data).toMatchObject({ kind: "search.refresh", list: "other", state: "queued" });
    const again = await call("POST", "/admin/v1/search/index/refresh", { list: "other" });
    expect(again.status).toBe(200);
    expect(again.body.data.id).toBe(first.body.data.id);

    const everything = await call("POST", "/admin/v1/search/index/refresh", {});
    expect(everything.status).toBe(202);
    expect(everything.body.data.list).toBeNull();
    expect(everything.body.data.id).not.toBe(first.body.data.id);
    // No body at all means all lists too.
    const bare = await callApp("/admin/v1/search/index/refresh", env, { method: "POST", headers: auth });
    expect(bare.status).toBe(200);
    expect(((await bare.json()) as { data: { id: number } }).data.id).toBe(everything.body.data.id);

    const status = (await call("GET", "/admin/v1/search/index/status")).body.data;
    expect(status.refreshJobs.map((j: { id: number }) => j.id).sort()).toEqual(
      [first.body.data.id, everything.body.data.id].sort(),
    );

    expect((await call("POST", "/admin/v1/search/index/refresh", { list: "nope" })).status).toBe(404);
    expect((await call("POST", "/admin/v1/search/index/refresh", { list: 5 })).status).toBe(400);
    expect((await call("POST", "/admin/v1/search/index/refresh", { lists: "other" })).status).toBe(400);
  });

  it("reports the database: migrations, row counts, extensions, index kinds, jobs, backfill", async () => {
    const res = await call("GET", "/admin/v1/database/status");
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d.migrations).toMatchObject({ pending: [], drifted: [], ready: true, vectorIndex: "hnsw" });
    expect(d.migrations.applied).toContain("0003_backfill");
    expect(d.rowCounts).toMatchObject({ emails: 1510, mailing_lists: 2, sync_jobs: 2 });
    expect(d.rowCounts.authors).toBeGreaterThan(10);
    expect(d.estimatedRowCounts).toEqual([]);
    expect(d.extensions.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining(["vector", "pg_trgm"]),
    );
    const method = (name: string) => d.indexes.find((i: { name: string }) => i.name === name)?.method;
    expect(method("emails_embedding_idx")).toBe("hnsw");
    expect(method("emails_lex_ts_idx")).toBe("gin");
    expect(method("emails_search_version_idx")).toBe("btree");
    expect(d.jobs).toEqual({ queued: 2, running: 0, succeeded: 0, failed: 0, cancelled: 0 });
    expect(d.searchIndex.emails).toBe(1510);
    expect(d.server.version).toMatch(/^\d+/);
  });

  it("gives the planner's estimate, not count(*), for tables it believes hold 100,000 rows or more", async () => {
    // The statistics of a large mirror, without writing 250,000 rows: what ANALYZE or autovacuum would record.
    await db.pool.query(
      "UPDATE pg_class SET reltuples = 250000 WHERE oid = 'public.email_references'::regclass",
    );
    try {
      const d = (await call("GET", "/admin/v1/database/status")).body.data;
      expect(d.rowCounts.email_references).toBe(250000);
      expect(d.estimatedRowCounts).toEqual(["email_references"]);
      expect(d.rowCounts.emails).toBe(1510); // still counted
    } finally {
      await db.pool.query("ANALYZE email_references");
    }
  });
});
