import { expect, it } from "vitest";
import { choosePath, LINE_TEST_WINDOW, RANK_WINDOW, rankWindow } from "../../../db/queries/search";
import { parseQuery } from "../../../functions/search/query-parser";
import { compileQuery } from "../../../functions/search/query-sql";

// The planner's estimates at a million messages (npm run bench:scale), and the path that measured fastest there.
const list = { size: 1_000_000, window: 2000, prefixes: [] as number[], monthly: false, paired: false };

it("walks the date index for a word in most of the list, fetches a rare one, goes month by month between", () => {
  expect(choosePath({ ...list, matches: 800_000 })).toBe("walk");
  expect(choosePath({ ...list, matches: 3_000 })).toBe("fetch");
  expect(choosePath({ ...list, matches: 58_650, monthly: true })).toBe("months");
  expect(choosePath({ ...list, matches: 58_650 })).toBe("fetch"); // no word every match has: not by months
  expect(choosePath({ ...list, matches: 600_000, monthly: true })).toBe("walk"); // over half the list
});

it("counts a wildcard's whole bitmap against the fetch: `ser* ker*` and four wildcards walk", () => {
  // ser* ker*: 52,528 estimated (76,680 real); fetched in 950 ms, walked in 180
  expect(choosePath({ ...list, matches: 52_528 })).toBe("fetch");
  expect(choosePath({ ...list, matches: 52_528, prefixes: [251_054, 362_509] })).toBe("walk");
  // con* pat* ser* ker*: 7,136 estimated (45,156 real); fetched in 1.2 s, walked in 270 ms
  expect(choosePath({ ...list, matches: 7_136, prefixes: [532_216, 974_485, 251_054, 362_509] })).toBe(
    "walk",
  );
  // a rare pair of wildcards is still fetched: walking to 426 hits would read most of the list
  expect(choosePath({ ...list, matches: 400, prefixes: [138_152, 130_659] })).toBe("fetch");
});

it("reads a phrase's pairs month by month from one window of matches: its estimate comes from its words", () => {
  // "boot console": 8,140 estimated, 17,000 real; 120 ms fetched, 51 by months
  expect(choosePath({ ...list, matches: 8_140, monthly: true, paired: true })).toBe("months");
  expect(choosePath({ ...list, matches: 8_140, monthly: true })).toBe("fetch");
});

it("shares the ranking window among a query's wildcards, and takes the line tests' window when smaller", () => {
  const windowOf = (q: string) => rankWindow(compileQuery(parseQuery(q)));
  expect(windowOf("kgdb console")).toBe(RANK_WINDOW);
  expect(windowOf("kgdb*")).toBe(RANK_WINDOW);
  expect(windowOf("ser* ker*")).toBe(RANK_WINDOW / 2);
  expect(windowOf("con* OR pat* OR ser* OR ker*")).toBe(RANK_WINDOW / 4);
  expect(windowOf("con* pat* ser* ker*")).toBe(500);
  // a wildcard under NOT matches nothing the ranking reads: it does not count
  expect(windowOf("kgdb -ser* -ker*")).toBe(RANK_WINDOW);
  expect(windowOf("q:kgdb")).toBe(LINE_TEST_WINDOW);
  expect(windowOf("q:kgdb con* pat* ser* ker*")).toBe(LINE_TEST_WINDOW);
  // at a million, four ANDed wildcards still walk the date index with their smaller window
  expect(
    choosePath({ ...list, window: 500, matches: 7_136, prefixes: [532_216, 974_485, 251_054, 362_509] }),
  ).toBe("walk");
});
