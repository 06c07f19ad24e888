import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import {
  claimNextJob,
  completeJob,
  enqueueJob,
  enqueueUniqueJob,
  recoverStaleJobs,
} from "../../functions/jobs/queue";
import { openPg15Database } from "../helpers/db";
import { connectPg15, createSchemaSlice } from "./pg15-schema";

// PostgreSQL 15: real sessions, real row locks. Each runner is its own pool (its own connections).
let runners: Database[];
beforeAll(async () => {
  const first = await openPg15Database("nexus_jobs_concurrency", 4);
  await createSchemaSlice(first, ["mailing_lists", "sync_jobs"]);
  runners = [first];
  for (let i = 1; i < 4; i++) runners.push(connectPg15("nexus_jobs_concurrency"));
});
afterAll(async () => {
  for (const r of runners ?? []) await r.end();
});

describe("the job queue with concurrent runners (PostgreSQL 15)", () => {
  it("a job claimed inside an open transaction is skipped by another session, not waited for", async () => {
    const pool = runners[0]!.pool;
    await pool.query("TRUNCATE sync_jobs");
    const a = await enqueueJob(pool, { kind: "k" });
    const b = await enqueueJob(pool, { kind: "k" });
    const holder = await runners[1]!.pool.connect();
    try {
      await holder.query("BEGIN");
      const held = await claimNextJob(holder, ["k"]);
      expect(held!.id).toBe(a.id);
      const t0 = Date.now();
      const other = await claimNextJob(runners[2]!.pool, ["k"]);
      expect(other!.id).toBe(b.id);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(await claimNextJob(runners[3]!.pool, ["k"])).toBeNull();
      await holder.query("COMMIT");
    } finally {
      holder.release();
    }
  });

  it("four runners draining 400 jobs at once claim each exactly once", async () => {
    const pool = runners[0]!.pool;
    await pool.query("TRUNCATE sync_jobs");
    await pool.query(
      "INSERT INTO sync_jobs (kind, priority) SELECT 'k', g % 7 FROM generate_series(1, 400) g",
    );
    const claimed = await Promise.all(
      runners.map(async (runner) => {
        const mine: number[] = [];
        // Two loops per runner pool: eight claimers over four pools.
        await Promise.all(
          [0, 1].map(async () => {
            for (
              let job = await claimNextJob(runner.pool, ["k"]);
              job;
              job = await claimNextJob(runner.pool, ["k"])
            ) {
              mine.push(job.id);
              expect(await completeJob(runner.pool, job, { by: mine.length })).toBe(true);
            }
          }),
        );
        return mine;
      }),
    );
    const all = claimed.flat();
    expect(all).toHaveLength(400);
    expect(new Set(all).size).toBe(400);
    expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThan(1); // they really ran side by side
    const { rows } = await pool.query<{ state: string; attempts: number; n: number }>(
      "SELECT state::text, attempts, count(*)::int AS n FROM sync_jobs GROUP BY 1, 2",
    );
    expect(rows).toEqual([{ state: "succeeded", attempts: 1, n: 400 }]);
  });

  it("two runs recovering stale jobs at once requeue each once; concurrent unique enqueues make one job", async () => {
    const pool = runners[0]!.pool;
    await pool.query("TRUNCATE sync_jobs");
    await pool.query(
      `INSERT INTO sync_jobs (kind, state, attempts, heartbeat_at)
       SELECT 'k', 'running', 1, now() - interval '1 hour' FROM generate_series(1, 300)`,
    );
    const recovered = await Promise.all(runners.map((r) => recoverStaleJobs(r.pool, 60_000)));
    expect(recovered.reduce((a, b) => a + b, 0)).toBe(300);

    await pool.query("TRUNCATE sync_jobs");
    const enqueued = await Promise.all(
      runners.flatMap((r) => [0, 1, 2].map(() => enqueueUniqueJob(r.pool, { kind: "search.refresh" }))),
    );
    expect(enqueued.filter((e) => e.created)).toHaveLength(1);
    expect(new Set(enqueued.map((e) => e.job.id)).size).toBe(1);
  });
});
