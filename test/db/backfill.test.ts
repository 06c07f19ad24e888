import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { bodyTsSql, lexTsSql, RECIPE_VERSION } from "../../functions/mail/search-text";
import { backfillSearchVectors, rowsOfScope, runBatches } from "../../functions/search-index/backfill";
import { recordBackfillRun, SEARCH_BACKFILL, searchIndexStatus } from "../../functions/search-index/status";
import { corpusMessages, MISMATCHED_ROWS_SQL, seedEmails } from "../../scripts/lib/seed-emails";
import { openTestDatabase } from "../helpers/db";

// Real mail: fedora-devel 2010-January (292 messages with quotes, signatures and patches), repeated to 3,000.
const messages = corpusMessages(readFileSync("../shared/corpus/jwz-fedora/2010-January.txt"));
const MISMATCHED = MISMATCHED_ROWS_SQL(lexTsSql("e", "a"), bodyTsSql("e"));

let db: Database;
beforeAll(async () => {
  db = openTestDatabase("backfill_pglite");
  await seedEmails(db.pool, messages, { list: "fedora-devel", count: 3000 });
});
afterAll(() => db.end());

async function count(where: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM emails WHERE ${where}`);
  return rows[0]!.n;
}

describe("the search backfill on the embedded database", () => {
  it("fills every NULL row in bounded batches, equal to the recipe evaluated directly", async () => {
    expect(messages.length).toBeGreaterThan(250);
    expect(await count("lex_ts IS NULL AND body_ts IS NULL AND search_version IS NULL")).toBe(3000);
    const sizes: number[] = [];
    const report = await backfillSearchVectors(db.pool, {
      deadline: Date.now() + 60_000,
      initialBatchSize: 200,
      afterBatch: (b) => {
        sizes.push(b.size);
        return true;
      },
    });
    expect(report).toMatchObject({ rows: 3000, done: true });
    expect(report.error).toBeUndefined();
    expect(report.batches).toBe(sizes.length);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5000);
    expect(await count(`search_version = ${RECIPE_VERSION}`)).toBe(3000);
    expect((await db.pool.query<{ n: number }>(MISMATCHED)).rows[0]!.n).toBe(0);
    // Not vacuous: the recipe really indexed words of the real mail.
    expect(
      await count("lex_ts @@ to_tsquery('english', 'fedora') OR body_ts @@ to_tsquery('english', 'fedora')"),
    ).toBeGreaterThan(100);

    await recordBackfillRun(db.pool, SEARCH_BACKFILL, report);
    const status = await searchIndexStatus(db.pool);
    expect(status.remaining).toEqual({ total: 0, missing: 0, outdated: 0 });
    expect(status.lastRun?.rows).toBe(3000);
    expect(status.backfilledRows).toBe(3000);

    // Idempotent: a second run finds nothing and changes nothing.
    expect(await backfillSearchVectors(db.pool, { deadline: Date.now() + 10_000 })).toMatchObject({
      rows: 0,
      done: true,
    });
  });

  it("rebuilds rows built by an older recipe version (a recipe roll-out)", async () => {
    await db.pool.query(
      `UPDATE emails SET search_version = ${RECIPE_VERSION - 1}, lex_ts = to_tsvector('simple', 'stale'), body_ts = NULL
        WHERE id % 3 = 0`,
    );
    expect((await searchIndexStatus(db.pool)).remaining).toEqual({ total: 1000, missing: 0, outdated: 1000 });
    const report = await backfillSearchVectors(db.pool, { deadline: Date.now() + 60_000 });
    expect(report).toMatchObject({ rows: 1000, done: true });
    expect((await db.pool.query<{ n: number }>(MISMATCHED)).rows[0]!.n).toBe(0);
  });

  it("stops at its deadline and the next run resumes where the last batch committed", async () => {
    await db.pool.query("UPDATE emails SET lex_ts = NULL, body_ts = NULL, search_version = NULL");
    const first = await backfillSearchVectors(db.pool, { deadline: Date.now() + 1, initialBatchSize: 100 });
    expect(first).toMatchObject({ rows: 0, done: false }); // no batch fits in 1 ms: none is started
    const partial = await backfillSearchVectors(db.pool, {
      deadline: Date.now() + 60_000,
      initialBatchSize: 100,
      afterBatch: (b) => b.ids.length === 0, // stop after the first batch
    });
    expect(partial.rows).toBe(100);
    expect(await count("search_version IS NULL")).toBe(2900);
    // The committed batch is the 100 lowest ids: keyset order.
    expect(await count("search_version IS NOT NULL AND id > (SELECT min(id) + 99 FROM emails)")).toBe(0);
    const rest = await backfillSearchVectors(db.pool, { deadline: Date.now() + 60_000 });
    expect(rest).toMatchObject({ rows: 2900, done: true });
    expect((await db.pool.query<{ n: number }>(MISMATCHED)).rows[0]!.n).toBe(0);
  });

  it("a refresh rebuilds every row of its scope, current or not, and resumes from its cursor", async () => {
    const other = await seedEmails(db.pool, messages.slice(0, 50), { list: "other-list", count: 50 });
    await backfillSearchVectors(db.pool, { deadline: Date.now() + 60_000 });
    // Corrupt current rows of both lists: only the refreshed list's come back.
    await db.pool.query("UPDATE emails SET lex_ts = to_tsvector('simple', 'corrupt')");
    const source = rowsOfScope(other.listId);
    const half = await runBatches(db.pool, source, {
      deadline: Date.now() + 60_000,
      initialBatchSize: 20,
      afterBatch: () => false,
    });
    expect(half.rows).toBe(20);
    const resumed = rowsOfScope(other.listId, source.cursor());
    expect(await runBatches(db.pool, resumed, { deadline: Date.now() + 60_000 })).toMatchObject({
      rows: 30,
      done: true,
    });
    const { rows } = await db.pool.query<{ list: string; fixed: number }>(
      `SELECT l.slug AS list, count(*) FILTER (WHERE e.lex_ts = (${lexTsSql("e", "a")}))::int AS fixed
         FROM emails e JOIN authors a ON a.id = e.author_id JOIN mailing_lists l ON l.id = e.mailing_list_id
        GROUP BY l.slug ORDER BY l.slug`,
    );
    expect(rows).toEqual([
      { list: "fedora-devel", fixed: 0 },
      { list: "other-list", fixed: 50 },
    ]);
  });
});
