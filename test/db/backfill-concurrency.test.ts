import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { bodyTsSql, lexTsSql } from "../../functions/mail/search-text";
import {
  backfillSearchVectors,
  rebuildBatch,
  runBatch,
  staleRows,
} from "../../functions/search-index/backfill";
import { recordBackfillRun, SEARCH_BACKFILL, searchIndexStatus } from "../../functions/search-index/status";
import { corpusMessages, MISMATCHED_ROWS_SQL, seedEmails } from "../../scripts/lib/seed-emails";
import { openPg15Database } from "../helpers/db";
import { connectPg15, createSchemaSlice } from "./pg15-schema";

// PostgreSQL 15 with two (and more) real sessions: batches are claimed with row locks that really conflict.
const NAME = "nexus_backfill_concurrency";
const ROWS = 5_000;
const messages = corpusMessages(readFileSync("../shared/corpus/jwz-fedora/2010-January.txt"));
const MISMATCHED = MISMATCHED_ROWS_SQL(lexTsSql("e", "a"), bodyTsSql("e"));

let a: Database;
let b: Database;
beforeAll(async () => {
  a = await openPg15Database(NAME, 3);
  await createSchemaSlice(a, ["mailing_lists", "authors", "emails", "backfill_status"]);
  await seedEmails(a.pool, messages, { list: "fedora-devel", count: ROWS });
  b = connectPg15(NAME, 3);
});
afterAll(async () => {
  await a?.end();
  await b?.end();
});

async function resetVectors() {
  await a.pool.query("UPDATE emails SET lex_ts = NULL, body_ts = NULL, search_version = NULL");
}
async function scalar(sql: string): Promise<number> {
  const { rows } = await a.pool.query<{ n: number }>(sql);
  return rows[0]!.n;
}

describe("the search backfill with concurrent runners (PostgreSQL 15)", () => {
  it("a batch held open by one session is skipped by the other, which takes the next rows without waiting", async () => {
    await resetVectors();
    const holder = await a.pool.connect();
    try {
      await holder.query("BEGIN");
      const held = await rebuildBatch(holder, staleRows().next()!, 500);
      expect(held).toHaveLength(500);
      const t0 = Date.now();
      const other = await runBatch(b.pool, staleRows().next()!, 500, 10_000);
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(other).toHaveLength(500);
      expect(other.filter((id) => held.includes(id))).toEqual([]);
      expect(other[0]!).toBeGreaterThan(held[held.length - 1]!); // keyset: the next ids
      await holder.query("COMMIT");
    } finally {
      holder.release();
    }
    expect(await scalar("SELECT count(*)::int AS n FROM emails WHERE search_version IS NOT NULL")).toBe(1000);
  });

  it("two runners at once never process the same row, and together fill every row exactly", async () => {
    await resetVectors();
    const seen: number[][] = [[], []];
    const reports = await Promise.all(
      [a, b].map((runner, i) =>
        backfillSearchVectors(runner.pool, {
          deadline: Date.now() + 120_000,
          initialBatchSize: 200,
          afterBatch: ({ ids }) => {
            seen[i]!.push(...ids);
            return true;
          },
        }),
      ),
    );
    const [x, y] = seen as [number[], number[]];
    expect(x.length).toBeGreaterThan(0);
    expect(y.length).toBeGreaterThan(0);
    const ys = new Set(y);
    const inBoth = x.filter((id) => ys.has(id));
    expect(inBoth).toEqual([]);
    expect(x.length + y.length).toBe(ROWS);
    expect(new Set([...x, ...y]).size).toBe(ROWS);
    expect(reports.map((r) => r.done)).toEqual([true, true]);
    expect(await scalar(MISMATCHED)).toBe(0);
  });

  it("a batch cut off by its statement timeout rolls back whole; the run records the error, a later run finishes", async () => {
    await resetVectors();
    await expect(runBatch(a.pool, staleRows().next()!, 5000, 20)).rejects.toMatchObject({ code: "57014" });
    expect(
      await scalar(
        "SELECT count(*)::int AS n FROM emails WHERE search_version IS NOT NULL OR lex_ts IS NOT NULL",
      ),
    ).toBe(0);

    // A timeout no batch can meet: the run shrinks its batches, gives up, and says why.
    const failed = await backfillSearchVectors(a.pool, {
      deadline: Date.now() + 30_000,
      batchTimeoutMs: 1,
      initialBatchSize: 400,
    });
    expect(failed.rows).toBe(0);
    expect(failed.error).toMatch(/statement timeout/);
    await recordBackfillRun(a.pool, SEARCH_BACKFILL, failed);
    const status = await searchIndexStatus(a.pool);
    expect(status.lastError?.message).toMatch(/statement timeout/);
    expect(status.remaining.missing).toBe(ROWS);

    const ok = await backfillSearchVectors(a.pool, { deadline: Date.now() + 120_000 });
    expect(ok).toMatchObject({ rows: ROWS, done: true });
    expect(await scalar(MISMATCHED)).toBe(0);
  });

  it("a runner killed mid-batch (its backend terminated before COMMIT) loses and corrupts nothing", async () => {
    await resetVectors();
    const victim = await a.pool.connect();
    victim.on("error", () => {}); // the FATAL "terminating connection" arrives unasked
    const { rows } = await victim.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await victim.query("BEGIN; SET LOCAL statement_timeout = 60000");
    const ids = await rebuildBatch(victim, staleRows().next()!, 1000);
    expect(ids).toHaveLength(1000);
    await b.pool.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    await expect(victim.query("COMMIT")).rejects.toThrow();
    victim.release(true);
    expect(
      await scalar(
        "SELECT count(*)::int AS n FROM emails WHERE search_version IS NOT NULL OR lex_ts IS NOT NULL",
      ),
    ).toBe(0);

    const ok = await backfillSearchVectors(b.pool, { deadline: Date.now() + 120_000 });
    expect(ok).toMatchObject({ rows: ROWS, done: true });
    expect(await scalar(MISMATCHED)).toBe(0);
  });
});
