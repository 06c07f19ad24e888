import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "../../db/client";
import { jobKinds } from "../../functions/jobs/kinds";
import { enqueueJob, getJob } from "../../functions/jobs/queue";
import { runDueJobs } from "../../functions/jobs/runner";
import { bodyTsSql, lexTsSql, RECIPE_VERSION } from "../../functions/mail/search-text";
import { backfillSearchVectors } from "../../functions/search-index/backfill";
import { SEARCH_REFRESH_JOB } from "../../functions/search-index/refresh-job";
import { corpusMessages, MISMATCHED_ROWS_SQL, seedEmails } from "../../scripts/lib/seed-emails";
import { databaseTarget, openTestDatabase } from "../helpers/db";

/**
 * Faults: the cron run's process is killed (SIGKILL) while its batch's UPDATE is running on the server —
 * once in the search backfill, once in a job. Real sessions: the server rolls the killed session's
 * transaction back, and the next run finds exactly the work that was not committed.
 */
const NAME = "cron_kill";
const ROWS = 2000;
const messages = corpusMessages(readFileSync("../shared/corpus/jwz-fedora/2010-January.txt"));
const MISMATCHED = MISMATCHED_ROWS_SQL(lexTsSql("e", "a"), bodyTsSql("e"));
const BUILT_MISMATCHED = `SELECT count(*)::int FROM emails e JOIN authors a ON a.id = e.author_id
  WHERE e.search_version IS NOT NULL
    AND (e.lex_ts IS DISTINCT FROM (${lexTsSql("e", "a")}) OR e.body_ts IS DISTINCT FROM (${bodyTsSql("e")}))`;

let db: Database;
beforeAll(async () => {
  if (databaseTarget !== "native") return;
  db = openTestDatabase(NAME);
  await seedEmails(db.pool, messages, { list: "fedora-devel", count: ROWS });
});
afterAll(() => db?.end());

async function one<T = number>(sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await db.pool.query(sql, params);
  return Object.values(rows[0] as Record<string, T>)[0]!;
}

/**
 * Starts one cron run in its own process; kills it once `ready()` holds while its batch's UPDATE is running
 * and has written rows (the session has a transaction id), before it commits.
 */
async function killCronMidBatch(ready: () => Promise<boolean>): Promise<{ waited: number }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "test/db/fixtures/cron-run.ts",
      `postgresql://postgres@pglite:5432/${NAME}`,
      inject("bridge"),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d));
  child.stderr.on("data", (d: Buffer) => (output += d));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const t0 = Date.now();
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the cron run ended before it could be killed: ${output}`);
      if (Date.now() - t0 > 60_000) throw new Error(`no batch to kill within 60 s: ${output}`);
      const updating = await one(
        `select count(*)::int from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and state = 'active'
            and query like 'WITH batch AS%' and backend_xid is not null`,
      );
      if (updating > 0 && (await ready())) break;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill("SIGKILL");
  }
  await exited;
  // the server notices the session gone and rolls its transaction back
  for (let i = 0; i < 200; i++) {
    const others = await one(
      "select count(*)::int from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
    );
    if (others === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { waited: Date.now() - t0 };
}

// Killing a session's process mid-statement needs a server with sessions: the native target.
describe.skipIf(databaseTarget !== "native")(
  "a cron run killed mid-batch (PostgreSQL 15, real sessions)",
  () => {
    it("the search backfill: the killed batch leaves nothing, the next run builds exactly the rest", async () => {
      expect(await one("select count(*)::int from emails where search_version is null")).toBe(ROWS);
      const built = () => one("select count(*)::int from emails where search_version is not null");
      const { waited } = await killCronMidBatch(async () => (await built()) > 0);
      const before = await built();
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(ROWS);
      // no half-built row: each is either built (exactly as the recipe says) or untouched
      expect(
        await one(
          "select count(*)::int from emails where search_version is null and (lex_ts is not null or body_ts is not null)",
        ),
      ).toBe(0);
      expect(await one(BUILT_MISMATCHED)).toBe(0);

      const report = await backfillSearchVectors(db.pool, { deadline: Date.now() + 60_000 });
      expect(report).toMatchObject({ rows: ROWS - before, done: true });
      expect(await one(`select count(*)::int from emails where search_version = ${RECIPE_VERSION}`)).toBe(
        ROWS,
      );
      expect(await one(MISMATCHED)).toBe(0);
      console.log(
        `backfill killed after ${waited} ms with ${before}/${ROWS} rows committed; the next run built ${report.rows}`,
      );
    });

    it("a job runner: the killed job is taken over once, finishes, and every row is rebuilt", async () => {
      // every row current but wrong: only a rebuild makes them right again
      await db.pool.query("UPDATE emails SET lex_ts = to_tsvector('simple', 'stale')");
      const job = await enqueueJob(db.pool, { kind: SEARCH_REFRESH_JOB });
      const stale = () =>
        one("select count(*)::int from emails where lex_ts = to_tsvector('simple', 'stale')");
      const { waited } = await killCronMidBatch(async () => (await stale()) < ROWS);
      const killed = (await getJob(db.pool, job.id))!;
      expect(killed).toMatchObject({ state: "running", attempts: 1 });
      const rebuiltBefore = ROWS - (await stale());

      // the next run puts the job of the dead runner back (stale heartbeat) and finishes it
      const report = await runDueJobs({
        pool: db.pool,
        env: {},
        deadline: Date.now() + 60_000,
        kinds: jobKinds,
        staleAfterMs: 0,
      });
      expect(report.recovered).toBe(1);
      expect(report.jobs.map((j) => [j.id, j.outcome])).toEqual([[job.id, "succeeded"]]);
      const done = (await getJob(db.pool, job.id))!;
      expect(done).toMatchObject({ state: "succeeded", attempts: 2 });
      expect(await one("select count(*)::int from sync_jobs")).toBe(1);
      expect(await one("select count(*)::int from emails")).toBe(ROWS);
      expect(await stale()).toBe(0);
      expect(await one(MISMATCHED)).toBe(0);
      console.log(
        `job runner killed after ${waited} ms with ${rebuiltBefore}/${ROWS} rows rebuilt; taken over once, succeeded on attempt 2`,
      );
    });
  },
);
