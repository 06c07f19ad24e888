import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { lexicalCandidates, type NewestPath, type SearchOrder } from "../../db/queries/search";
import { ensureList } from "../../functions/ingest/lists";
import { ingestBatch } from "../../functions/ingest/store";
import { parseQuery } from "../../functions/search/query-parser";
import { compileQuery } from "../../functions/search/query-sql";
import { openTestDatabase } from "../helpers/db";

/**
 * Lexical search ranks the newest matches only (RANK_WINDOW), so a common word costs what a page shows, not
 * what the list holds. Thirty messages name "needle", a day apart; the ten oldest name it in the subject too
 * (they rank first when ranked at all). A window of 20 leaves them out and says there was more.
 */
const mail = (n: number) =>
  new TextEncoder().encode(
    [
      "From: Dev Eloper <dev@example.org>",
      `Subject: ${n < 10 ? "needle needle" : "other"} ${n}`,
      `Message-ID: <window-${n}@example.org>`,
      `Date: ${new Date(Date.UTC(2020, 0, 1 + n)).toUTCString()}`,
      "",
      `A needle in message ${n}.`,
      "",
    ].join("\n"),
  );

let database: Database;
beforeAll(async () => {
  database = openTestDatabase("search_window", 2);
  const { id } = await ensureList(database.pool, "window");
  const result = await ingestBatch(
    database.pool,
    id,
    Array.from({ length: 30 }, (_, n) => ({ bytes: mail(n) })),
  );
  expect(result.outcomes.filter((o) => o.status === "stored")).toHaveLength(30);
});
afterAll(() => database.end());

async function search(window: number, q = "needle", by: SearchOrder = "relevance") {
  const { hits, more } = await lexicalCandidates(
    database.db,
    compileQuery(parseQuery(q)),
    { listSlug: "window" },
    5,
    window,
    by,
  );
  if (by === "date") expect(hits.every((h) => h.score === null && h.lexRank === null)).toBe(true);
  const ids = await database.pool.query<{ id: string; message_id: string }>(
    "SELECT id, message_id FROM emails WHERE id = ANY($1::bigint[])",
    [hits.map((h) => h.emailId)],
  );
  const byId = new Map(ids.rows.map((r) => [Number(r.id), Number(/window-(\d+)@/.exec(r.message_id)![1])]));
  return { numbers: hits.map((h) => byId.get(h.emailId)!), more };
}

it("ranks every match when they fit the window: subject matches first", async () => {
  const { numbers, more } = await search(40);
  expect(more).toBe(false);
  expect(numbers).toHaveLength(5);
  expect(numbers.every((n) => n < 10)).toBe(true);
  // equal ranks: newest first
  expect(numbers).toEqual([9, 8, 7, 6, 5]);
});

it("ranks only the newest matches when more match than the window holds, and says so", async () => {
  const { numbers, more } = await search(20);
  expect(more).toBe(true);
  // the window holds messages 10–29; the ten older (better ranked) ones are not among the hits
  expect(numbers).toEqual([29, 28, 27, 26, 25]);
  const exact = await search(30);
  expect(exact.more).toBe(false);
  expect(exact.numbers).toEqual([9, 8, 7, 6, 5]);
});

it("asks the planner about a small list once: then it knows the date walk cannot win", async () => {
  const pool = database.pool as unknown as { query: (...a: unknown[]) => Promise<unknown> };
  const query = pool.query;
  const seen: string[] = [];
  pool.query = function (this: unknown, ...a: unknown[]) {
    const text = a[0] as string | { text: string };
    seen.push(typeof text === "string" ? text : text.text);
    return query.apply(this, a);
  };
  try {
    const first = await search(40);
    const explains = () => seen.filter((t) => /^\s*EXPLAIN/.test(t)).length;
    // the estimate may be known already from the tests above (the same list): at most one EXPLAIN
    expect(explains()).toBeLessThanOrEqual(1);
    seen.length = 0;
    const again = await search(40);
    expect(explains()).toBe(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(again).toEqual(first);
  } finally {
    pool.query = query;
  }
});

it("says there was more when the window's candidates all fail the exact test", async () => {
  // q: tests quoted lines, which no message has: every message is a candidate, none passes
  expect(await search(5, "q:needle")).toEqual({ numbers: [], more: true });
  expect(await search(40, "q:needle")).toEqual({ numbers: [], more: false });
});

it("in date order ranks nothing: the newest matches first, whether the indexes answer alone or not", async () => {
  // plain words: the candidates are the answer (CompiledQuery.exact)
  expect(compileQuery(parseQuery("needle")).exact).toBe(true);
  expect(await search(40, "needle", "date")).toEqual({ numbers: [29, 28, 27, 26, 25], more: false });
  expect(await search(20, "needle", "date")).toEqual({ numbers: [29, 28, 27, 26, 25], more: true });
  // s: is tested beyond its index (the subject's own words): only 0–9 have it in the subject
  expect(compileQuery(parseQuery("s:needle")).exact).toBe(false);
  expect(await search(40, "s:needle", "date")).toEqual({ numbers: [9, 8, 7, 6, 5], more: false });
  // dates are exact too, and so is the NOT of an exact term: message n is dated 2020-01-(n + 1)
  expect(compileQuery(parseQuery("needle -d:2020-01-30..")).exact).toBe(true);
  expect(await search(40, "needle -d:2020-01-30..", "date")).toEqual({
    numbers: [28, 27, 26, 25, 24],
    more: false,
  });
});

/**
 * The newest candidates by each path (db/queries/search.ts newestPath) are the same messages in the same order:
 * month by month (the text indexes' search_bucket keys), every candidate fetched, or the date index walked. The
 * list spans two years at nine-day steps, plus strays dated 1971 and 2026 (the months with nothing between them are
 * skipped, not probed), and a second list with the same words that no answer may include.
 */
describe("the newest candidates month by month", () => {
  const words = (n: number) =>
    [n % 3 === 0 ? "needle" : "straw", n % 2 === 0 ? "blue" : "red", n % 5 === 0 ? "blue needle" : ""].join(
      " ",
    );
  const dated = (n: number) =>
    n === 60
      ? new Date(Date.UTC(1971, 5, 1))
      : n === 66
        ? new Date(Date.UTC(2026, 0, 1))
        : new Date(Date.UTC(2019, 0, 1 + 9 * n));
  const message = (n: number, list: string) =>
    new TextEncoder().encode(
      [
        "From: Dev Eloper <dev@example.org>",
        `Subject: ${n % 4 === 0 ? "needle fix" : "other"} ${n}`,
        `Message-ID: <months-${n}-${list}@example.org>`,
        `Date: ${dated(n).toUTCString()}`,
        "",
        `Message ${n}: ${words(n)}.`,
        "",
      ].join("\n"),
    );
  beforeAll(async () => {
    for (const slug of ["months", "months-other"]) {
      const { id } = await ensureList(database.pool, slug);
      const numbers = [...Array.from({ length: 72 }, (_, n) => n)];
      const result = await ingestBatch(
        database.pool,
        id,
        numbers.map((n) => ({ bytes: message(n, slug) })),
      );
      expect(result.outcomes.filter((o) => o.status === "stored")).toHaveLength(72);
    }
  });

  async function newest(q: string, path: NewestPath, window: number, by: SearchOrder, filters = {}) {
    const { hits, more } = await lexicalCandidates(
      database.db,
      compileQuery(parseQuery(q)),
      { listSlug: "months", ...filters },
      50,
      window,
      by,
      path,
    );
    const rows = await database.pool.query<{ id: string; message_id: string }>(
      "SELECT id, message_id FROM emails WHERE id = ANY($1::bigint[])",
      [hits.map((h) => h.emailId)],
    );
    const names = new Map(rows.rows.map((r) => [Number(r.id), r.message_id]));
    return { names: hits.map((h) => names.get(h.emailId)!), scores: hits.map((h) => h.score), more };
  }

  it("gives what fetching every candidate gives, in both orders, for any window", async () => {
    const since = { since: new Date(Date.UTC(2019, 6, 1)), until: new Date(Date.UTC(2020, 0, 1)) };
    for (const q of [
      "needle",
      "needle blue",
      '"blue needle"',
      "s:needle",
      "needle -red",
      "b:straw OR b:needle",
      '"red blue needle"',
      'b:"blue needle" -straw',
      "need* blu*",
    ]) {
      for (const window of [3, 7, 200]) {
        for (const by of ["relevance", "date"] as SearchOrder[]) {
          for (const filters of [{}, since]) {
            const fetched = await newest(q, "fetch", window, by, filters);
            expect(fetched.names.every((n) => n.endsWith("-months@example.org"))).toBe(true);
            if (window === 200 && Object.keys(filters).length === 0 && q === "needle" && by === "date") {
              // the strays are matches too: the needle is in every third body, every fourth subject, every fifth phrase
              const expected = Array.from({ length: 72 }, (_, n) => n).filter(
                (n) => n % 3 === 0 || n % 4 === 0 || n % 5 === 0,
              );
              expect(fetched.names).toHaveLength(expected.length);
              expect(fetched.names[0]).toBe("months-66-months@example.org");
              expect(fetched.names.at(-1)).toBe("months-60-months@example.org");
            }
            expect(await newest(q, "months", window, by, filters), `${q} ${window} ${by}`).toEqual(fetched);
            expect(await newest(q, "walk", window, by, filters), `${q} ${window} ${by}`).toEqual(fetched);
          }
        }
      }
    }
  });

  it("keys the text indexes by the list's month, so a month's matches come from inside the index", async () => {
    const defs = await database.pool.query<{ name: string; def: string }>(
      "SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE indexname IN ('emails_lex_ts_idx', 'emails_body_ts_idx')",
    );
    expect(defs.rows).toHaveLength(2);
    for (const r of defs.rows)
      expect(r.def).toMatch(/USING gin \(search_bucket\(mailing_list_id, date\), (lex|body)_ts\)/);
    // one key per list and month: the two lists' months never share one
    const keys = await database.pool.query<{ keys: string; months: string }>(
      `SELECT count(DISTINCT search_bucket(mailing_list_id, date)) AS keys,
        count(DISTINCT (mailing_list_id, search_month(date))) AS months
       FROM emails WHERE message_id LIKE 'months-%'`,
    );
    expect(Number(keys.rows[0]!.keys)).toBe(Number(keys.rows[0]!.months));
    expect(Number(keys.rows[0]!.keys)).toBeGreaterThan(2 * 20);
  });
});
