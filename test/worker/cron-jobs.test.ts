import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fedoraMbox from "../../../shared/corpus/jwz-fedora/2010-January.txt?raw";
import { runScheduled } from "../../functions/cron";
import type { AiBinding } from "../../functions/embeddings/provider";
import type { Env } from "../../functions/env";
import { enqueueJob, getJob } from "../../functions/jobs/queue";
import type { JobsRunReport } from "../../functions/jobs/runner";
import { lexTsSql } from "../../functions/mail/search-text";
import { corpusMessages, seedEmails } from "../../scripts/lib/seed-emails";
import { envWith, workerDatabase } from "../helpers/worker";

// Queued jobs run by the scheduled handler in the Workers runtime.
const base = { ...envWith("cron_jobs"), CRON_BUDGET_MS: "5000" };
const messages = corpusMessages(new TextEncoder().encode(fedoraMbox));

/** The test's own deterministic embedding model: a unit vector derived from the text's bytes. */
function fakeVector(text: string): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  const v = Array.from({ length: 384 }, (_, i) => Math.sin(h + i * 0.37));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
function fakeAi(calls: string[][], delayMs = 0): AiBinding {
  return {
    async run(model, inputs) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      expect(model).toBe("@cf/baai/bge-small-en-v1.5");
      calls.push(inputs.text);
      return { shape: [inputs.text.length, 384], data: inputs.text.map(fakeVector) };
    },
  };
}
const failingAi: AiBinding = {
  async run() {
    throw new Error("3040: Capacity temporarily exceeded");
  },
};

let db: ReturnType<typeof workerDatabase>;
let listId: number;
beforeAll(async () => {
  db = workerDatabase(base);
  ({ listId } = await seedEmails(db.pool, messages, { list: "fedora-devel", count: 120 }));
  await runScheduled({ cron: "test" }, base); // the backfill builds the search fields first
});
afterAll(() => db.end());

async function run(env: Env & { CRON_BUDGET_MS?: string }): Promise<JobsRunReport> {
  const report = await runScheduled({ cron: "test" }, env);
  expect(report.skipped).toBeUndefined();
  return report.tasks.jobs as JobsRunReport;
}

describe("cron: the job queue", () => {
  it("a failing job is retried after a back-off, then marked failed with its error", async () => {
    const job = await enqueueJob(db.pool, { kind: "embeddings.fill", listId, maxAttempts: 2 });
    const first = await run({ ...base, AI: failingAi });
    expect(first.jobs).toEqual([expect.objectContaining({ id: job.id, outcome: "retry", attempt: 1 })]);
    const waiting = (await getJob(db.pool, job.id))!;
    expect(waiting).toMatchObject({
      state: "queued",
      attempts: 1,
      error: "3040: Capacity temporarily exceeded",
    });
    expect(waiting.runAfter.getTime()).toBeGreaterThan(Date.now() + 10_000);
    expect((await run({ ...base, AI: failingAi })).jobs).toEqual([]); // not due yet

    await db.pool.query("UPDATE sync_jobs SET run_after = now() WHERE id = $1", [job.id]); // the back-off passes
    const second = await run({ ...base, AI: failingAi });
    expect(second.jobs).toEqual([expect.objectContaining({ id: job.id, outcome: "failed", attempt: 2 })]);
    const failed = (await getJob(db.pool, job.id))!;
    expect(failed).toMatchObject({
      state: "failed",
      attempts: 2,
      error: "3040: Capacity temporarily exceeded",
    });
    expect(failed.completedAt).not.toBeNull();
  });

  it("without an embedding provider the embedding job is skipped with the reason", async () => {
    const job = await enqueueJob(db.pool, { kind: "embeddings.fill" });
    const report = await run(base);
    expect(report.jobs).toEqual([expect.objectContaining({ id: job.id, outcome: "skipped" })]);
    const skipped = (await getJob(db.pool, job.id))!;
    expect(skipped.state).toBe("cancelled");
    expect(skipped.error).toMatch(/no embedding provider configured/);
    expect(await db.pool.query("SELECT 1 FROM emails WHERE embedding IS NOT NULL")).toMatchObject({
      rowCount: 0,
    });
  });

  it("fills every embedding from the provider, in batches, resuming across runs", async () => {
    const calls: string[][] = [];
    const job = await enqueueJob(db.pool, { kind: "embeddings.fill", listId });
    // A slow provider and a 2 s budget: the job is paused with its cursor and resumed by the next runs.
    const env = { ...base, CRON_BUDGET_MS: "2000", AI: fakeAi(calls, 500) };
    const outcomes: string[] = [];
    for (let i = 0; i < 10 && (await getJob(db.pool, job.id))!.state !== "succeeded"; i++) {
      outcomes.push(...(await run(env)).jobs.map((j) => j.outcome));
    }
    expect(outcomes.at(-1)).toBe("succeeded");
    expect(outcomes).toContain("paused");
    expect((await getJob(db.pool, job.id))!.result).toMatchObject({
      rows: 120,
      model: "@cf/baai/bge-small-en-v1.5",
    });
    expect(calls.length).toBeGreaterThanOrEqual(3); // batches of at most 50
    expect(Math.max(...calls.map((c) => c.length))).toBeLessThanOrEqual(50);

    // Each stored vector is the provider's vector for that message's subject + body text.
    const { rows } = await db.pool.query<{ subject: string; embedding: string }>(
      "SELECT subject, embedding::text FROM emails ORDER BY id LIMIT 3",
    );
    const sent = calls.flat();
    for (const r of rows) {
      const text = sent.find((t) => t.startsWith(`${r.subject}\n\n`))!;
      expect(text).toBeDefined();
      const stored = JSON.parse(r.embedding) as number[];
      const expected = fakeVector(text);
      expect(stored).toHaveLength(384);
      for (let i = 0; i < 384; i++) expect(stored[i]).toBeCloseTo(expected[i]!, 5);
    }
    expect(await db.pool.query("SELECT 1 FROM emails WHERE embedding IS NULL")).toMatchObject({
      rowCount: 0,
    });
  });

  it("a refresh job rebuilds its list's search fields through the backfill batches", async () => {
    await db.pool.query("UPDATE emails SET lex_ts = to_tsvector('simple', 'stale')");
    const job = await enqueueJob(db.pool, { kind: "search.refresh", listId });
    const report = await run(base);
    expect(report.jobs).toEqual([expect.objectContaining({ id: job.id, outcome: "succeeded" })]);
    expect((await getJob(db.pool, job.id))!.result).toEqual({ rows: 120 });
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM emails e JOIN authors a ON a.id = e.author_id WHERE e.lex_ts = (${lexTsSql("e", "a")})`,
    );
    expect(rows[0]!.n).toBe(120);
  });
});
