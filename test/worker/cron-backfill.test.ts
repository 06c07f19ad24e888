import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fedoraMbox from "../../../shared/corpus/jwz-fedora/2010-January.txt?raw";
import { runScheduled } from "../../functions/cron";
import worker from "../../functions/index";
import { bodyTsSql, lexTsSql } from "../../functions/mail/search-text";
import { rebuildBatch, staleRows } from "../../functions/search-index/backfill";
import { corpusMessages, MISMATCHED_ROWS_SQL, seedEmails } from "../../scripts/lib/seed-emails";
import { envWith, workerDatabase } from "../helpers/worker";

// The scheduled handler in the Workers runtime, on real mail (fedora-devel 2010-January, repeated to 5,000).
const ROWS = 5000;
// Short enough that no machine does all 5,000 rows in one run (one of ours did them within 4 s: about
// 1,900 rows/s), long enough for several batches on a slow one.
const BUDGET_MS = 1500;
const env = { ...envWith("cron_backfill"), CRON_BUDGET_MS: String(BUDGET_MS) };
const messages = corpusMessages(new TextEncoder().encode(fedoraMbox));
const MISMATCHED = MISMATCHED_ROWS_SQL(lexTsSql("e", "a"), bodyTsSql("e"));

let db: ReturnType<typeof workerDatabase>;
beforeAll(async () => {
  db = workerDatabase(env);
  await seedEmails(db.pool, messages, { list: "fedora-devel", count: ROWS });
});
afterAll(() => db.end());

async function scalar(sql: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(sql);
  return rows[0]!.n;
}
const built = () =>
  scalar("SELECT count(*)::int AS n FROM emails WHERE search_version IS NOT NULL OR lex_ts IS NOT NULL");

describe("cron: batched search backfill", () => {
  it("a run interrupted mid-batch (connection lost before COMMIT) loses and corrupts nothing", async () => {
    expect(await built()).toBe(0);
    const client = await db.pool.connect();
    await client.query("BEGIN");
    const ids = await rebuildBatch(client, staleRows().next()!, 300);
    expect(ids).toHaveLength(300);
    client.release(true); // the connection goes away with the batch's transaction open
    expect(await built()).toBe(0);
  });

  it("fills 5,000 rows over several scheduled runs, each within its budget, equal to a direct to_tsvector", async () => {
    // The Worker's own scheduled entry runs the tasks…
    const ctx = createExecutionContext();
    const started = Date.now();
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(Date.now() - started).toBeLessThan(BUDGET_MS + 3000);
    const afterFirst = await built();
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(ROWS); // the budget cut it short: the rest is left for later runs

    // …and runScheduled (what it calls) reports each run until nothing is left.
    const runs = [];
    for (let i = 0; i < 40 && (await built()) < ROWS; i++) {
      const t0 = Date.now();
      const report = await runScheduled({ cron: "*/5 * * * *" }, env);
      const backfill = report.tasks["search-backfill"] as {
        rows: number;
        longestBatchMs: number;
        error?: string;
      };
      expect(backfill.error).toBeUndefined();
      expect(Date.now() - t0).toBeLessThan(BUDGET_MS + 3000);
      runs.push(backfill.rows);
    }
    // The first run was cut short by its budget; how many more it takes depends on the machine's speed.
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(afterFirst + runs.reduce((a, b) => a + b, 0)).toBe(ROWS);
    expect(await scalar("SELECT count(*)::int AS n FROM emails WHERE search_version IS NULL")).toBe(0);
    expect(await scalar(MISMATCHED)).toBe(0);

    const { rows } = await db.pool.query<{ last_run_rows: number; total_rows: string }>(
      "SELECT last_run_rows, total_rows FROM backfill_status WHERE name = 'search'",
    );
    expect(Number(rows[0]!.total_rows)).toBe(ROWS);
  });
});
