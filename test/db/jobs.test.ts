import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import {
  cancelJob,
  claimNextJob,
  completeJob,
  deleteJob,
  enqueueJob,
  enqueueUniqueJob,
  failJobAttempt,
  getJob,
  heartbeatJob,
  listJobs,
  pauseJob,
  recoverStaleJobs,
  retryDelayMs,
} from "../../functions/jobs/queue";
import { openTestDatabase } from "../helpers/db";

// Queue semantics through the real driver on a migrated database. Concurrency: jobs-concurrency.test.ts (PG15).
let db: Database;
beforeAll(() => {
  db = openTestDatabase("jobs_queue");
});
afterAll(() => db.end());

const KINDS = ["t.a", "t.b"];

async function reset() {
  await db.pool.query("DELETE FROM sync_jobs");
}

describe("the job queue", () => {
  it("claims due jobs of the given kinds by priority, then age; never one that is not due", async () => {
    await reset();
    const low = await enqueueJob(db.pool, { kind: "t.a" });
    const high = await enqueueJob(db.pool, { kind: "t.b", priority: 5 });
    const later = await enqueueJob(db.pool, {
      kind: "t.a",
      priority: 9,
      runAfter: new Date(Date.now() + 60_000),
    });
    await enqueueJob(db.pool, { kind: "t.other", priority: 10 });
    const low2 = await enqueueJob(db.pool, { kind: "t.a" });

    const order = [];
    for (let job = await claimNextJob(db.pool, KINDS); job; job = await claimNextJob(db.pool, KINDS)) {
      expect(job.state).toBe("running");
      expect(job.attempts).toBe(1);
      expect(job.heartbeatAt).not.toBeNull();
      order.push(job.id);
    }
    expect(order).toEqual([high.id, low.id, low2.id]);
    expect((await getJob(db.pool, later.id))!.state).toBe("queued");
  });

  it("retries a failed attempt after a back-off, then fails it for good with the error", async () => {
    await reset();
    const queued = await enqueueJob(db.pool, { kind: "t.a", maxAttempts: 2 });
    const first = (await claimNextJob(db.pool, KINDS))!;
    expect(await failJobAttempt(db.pool, first, "boom 1")).toBe("queued");
    const retry = (await getJob(db.pool, queued.id))!;
    expect(retry.error).toBe("boom 1");
    const delay = retry.runAfter.getTime() - Date.now();
    expect(delay).toBeGreaterThan(retryDelayMs(1) - 5_000);
    expect(delay).toBeLessThanOrEqual(retryDelayMs(1));
    expect(await claimNextJob(db.pool, KINDS)).toBeNull(); // not due yet

    await db.pool.query("UPDATE sync_jobs SET run_after = now() WHERE id = $1", [queued.id]); // time passes
    const second = (await claimNextJob(db.pool, KINDS))!;
    expect(second.attempts).toBe(2);
    expect(await failJobAttempt(db.pool, second, "boom 2")).toBe("failed");
    const failed = (await getJob(db.pool, queued.id))!;
    expect(failed).toMatchObject({ state: "failed", attempts: 2, error: "boom 2" });
    expect(failed.completedAt).not.toBeNull();
    expect(retryDelayMs(2)).toBe(2 * retryDelayMs(1));
    expect(retryDelayMs(50)).toBe(3_600_000);
  });

  it("a paused job goes back to the queue with its progress and the attempt uncounted", async () => {
    await reset();
    await enqueueJob(db.pool, { kind: "t.a", maxAttempts: 1 });
    const job = (await claimNextJob(db.pool, KINDS))!;
    expect(await pauseJob(db.pool, job, { cursor: 42 })).toBe(true);
    const again = (await claimNextJob(db.pool, KINDS))!;
    expect(again).toMatchObject({ id: job.id, attempts: 1, result: { cursor: 42 } });
    expect(await completeJob(db.pool, again, { rows: 7 })).toBe(true);
    expect(await getJob(db.pool, job.id)).toMatchObject({
      state: "succeeded",
      result: { rows: 7 },
      error: null,
    });
  });

  it("a runner that stopped heartbeating loses its job to the next run and cannot overwrite it", async () => {
    await reset();
    await enqueueJob(db.pool, { kind: "t.a", maxAttempts: 2 });
    const dead = (await claimNextJob(db.pool, KINDS))!;
    expect(await recoverStaleJobs(db.pool, 60_000)).toBe(0); // heartbeat is fresh
    await db.pool.query("UPDATE sync_jobs SET heartbeat_at = now() - interval '10 minutes'");
    expect(await recoverStaleJobs(db.pool, 60_000)).toBe(1);
    const recovered = (await getJob(db.pool, dead.id))!;
    expect(recovered.state).toBe("queued");
    expect(recovered.error).toMatch(/stopped heartbeating during attempt 1/);

    const next = (await claimNextJob(db.pool, KINDS))!;
    expect(next.attempts).toBe(2);
    // The old runner wakes up: every write of its claim is refused.
    expect(await heartbeatJob(db.pool, dead)).toBe(false);
    expect(await completeJob(db.pool, dead, { stale: true })).toBe(false);
    expect(await failJobAttempt(db.pool, dead, "late")).toBeNull();
    expect(await completeJob(db.pool, next, { ok: true })).toBe(true);
    expect(await getJob(db.pool, dead.id)).toMatchObject({ state: "succeeded", result: { ok: true } });

    // On its last attempt, a dead runner's job fails.
    await enqueueJob(db.pool, { kind: "t.a", maxAttempts: 1 });
    const last = (await claimNextJob(db.pool, KINDS))!;
    await db.pool.query("UPDATE sync_jobs SET heartbeat_at = now() - interval '10 minutes' WHERE id = $1", [
      last.id,
    ]);
    await recoverStaleJobs(db.pool, 60_000);
    expect((await getJob(db.pool, last.id))!.state).toBe("failed");
  });

  it("cancels queued and running jobs (the runner learns it at its heartbeat), deletes only finished ones", async () => {
    await reset();
    const queued = await enqueueJob(db.pool, { kind: "t.a" });
    const running = await enqueueJob(db.pool, { kind: "t.b", priority: 1 });
    const claim = (await claimNextJob(db.pool, KINDS))!;
    expect(claim.id).toBe(running.id);

    expect(await deleteJob(db.pool, queued.id)).toBe("active");
    expect(await deleteJob(db.pool, running.id)).toBe("active");
    expect((await cancelJob(db.pool, queued.id))!.cancelled).toBe(true);
    expect((await cancelJob(db.pool, running.id))!.job.state).toBe("cancelled");
    expect(await heartbeatJob(db.pool, claim)).toBe(false);
    expect(await completeJob(db.pool, claim, {})).toBe(false);
    expect((await getJob(db.pool, running.id))!.state).toBe("cancelled");
    expect((await cancelJob(db.pool, running.id))!.cancelled).toBe(false);
    expect(await cancelJob(db.pool, 999_999)).toBeNull();

    expect(await deleteJob(db.pool, queued.id)).toBe("deleted");
    expect(await getJob(db.pool, queued.id)).toBeNull();
    expect(await deleteJob(db.pool, queued.id)).toBe("missing");
  });

  it("enqueues a unique job once while it is queued, again once it runs", async () => {
    await reset();
    const a = await enqueueUniqueJob(db.pool, { kind: "t.a" });
    const b = await enqueueUniqueJob(db.pool, { kind: "t.a" });
    expect(a.created).toBe(true);
    expect(b).toEqual({ job: a.job, created: false });
    await claimNextJob(db.pool, KINDS);
    const c = await enqueueUniqueJob(db.pool, { kind: "t.a" });
    expect(c.created).toBe(true);
    expect(c.job.id).not.toBe(a.job.id);
  });

  it("lists by state and kind, newest first, with the total", async () => {
    await reset();
    for (let i = 0; i < 5; i++) await enqueueJob(db.pool, { kind: i % 2 ? "t.a" : "t.b" });
    await claimNextJob(db.pool, ["t.b"]);
    const queued = await listJobs(db.pool, { state: "queued", limit: 2, offset: 0 });
    expect(queued.total).toBe(4);
    expect(queued.rows).toHaveLength(2);
    expect(queued.rows[0]!.id).toBeGreaterThan(queued.rows[1]!.id);
    expect((await listJobs(db.pool, { kind: "t.a", limit: 10, offset: 0 })).total).toBe(2);
    expect((await listJobs(db.pool, { state: "running", limit: 10, offset: 0 })).rows[0]!.kind).toBe("t.b");
  });
});
