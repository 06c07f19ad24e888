import { describe, expect, it } from "vitest";
import { keepResult, keptResult, resultKey } from "../../../functions/search/result-cache";

describe("the search answers kept in the isolate", () => {
  it("gives an answer back only at the snapshot it was made at", () => {
    const key = resultKey("kgdboc", ["db", "list", 1])!;
    keepResult(key, "10:12:", { hits: 3 });
    expect(keptResult(key, "10:12:")).toEqual({ hits: 3 });
    expect(keptResult(key, "10:13:")).toBeUndefined();
    expect(keptResult(resultKey("kgdboc", ["db", "list", 3])!, "10:12:")).toBeUndefined();
  });

  it("keeps no query with a relative date, and no answer larger than its entry bound", () => {
    for (const q of ["x d:2.weeks.ago..", "d:today", "d:yesterday..now"]) expect(resultKey(q, [])).toBeNull();
    expect(resultKey("d:2024-01..2024-06 kgdb", [])).not.toBeNull();
    const key = resultKey("big", [])!;
    keepResult(key, "1:1:", "x".repeat(300 * 1024));
    expect(keptResult(key, "1:1:")).toBeUndefined();
  });
});
