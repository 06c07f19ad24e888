import { describe, expect, it } from "vitest";
import { RRF_K, reciprocalRankFusion } from "../../../functions/search/fusion";

describe("reciprocalRankFusion", () => {
  it("scores each hit by the sum of weighted reciprocal ranks", () => {
    const fused = reciprocalRankFusion(["a", "b", "c"], ["c", "d"], { semanticRatio: 0.5 });
    const byId = Object.fromEntries(fused.map((h) => [h.id, h]));
    expect(byId.a!.score).toBeCloseTo(0.5 / (RRF_K + 1));
    expect(byId.c!.score).toBeCloseTo(0.5 / (RRF_K + 3) + 0.5 / (RRF_K + 1));
    expect(byId.d).toMatchObject({ lexicalRank: null, semanticRank: 2 });
    // c is in both lists, so it beats a, which is first in only one.
    expect(fused.map((h) => h.id)).toEqual(["c", "a", "b", "d"]);
  });

  it("weights the lists by semanticRatio", () => {
    const lexicalHeavy = reciprocalRankFusion([1, 2], [2, 1], { semanticRatio: 0.2 });
    expect(lexicalHeavy.map((h) => h.id)).toEqual([1, 2]);
    const semanticHeavy = reciprocalRankFusion([1, 2], [2, 1], { semanticRatio: 0.8 });
    expect(semanticHeavy.map((h) => h.id)).toEqual([2, 1]);
  });

  it("at ratio 0 or 1 returns only the chosen list, in its order", () => {
    expect(reciprocalRankFusion([3, 1, 2], [9, 8], { semanticRatio: 0 }).map((h) => h.id)).toEqual([3, 1, 2]);
    expect(reciprocalRankFusion([3, 1, 2], [9, 8], { semanticRatio: 1 }).map((h) => h.id)).toEqual([9, 8]);
  });

  it("breaks exact ties by best single rank, lexical first", () => {
    // x is lexical #1, y semantic #1: equal scores at ratio 0.5; lexical wins the tie.
    expect(reciprocalRankFusion(["x"], ["y"]).map((h) => h.id)).toEqual(["x", "y"]);
  });

  it("keeps the first rank of a duplicated id", () => {
    const [hit] = reciprocalRankFusion(["a", "a"], []);
    expect(hit).toMatchObject({ id: "a", lexicalRank: 1 });
    expect(hit!.score).toBeCloseTo(0.5 / (RRF_K + 1));
  });

  it("handles empty lists and rejects bad options", () => {
    expect(reciprocalRankFusion([], [])).toEqual([]);
    expect(() => reciprocalRankFusion([1], [], { semanticRatio: 1.5 })).toThrow(RangeError);
    expect(() => reciprocalRankFusion([1], [], { semanticRatio: Number.NaN })).toThrow(RangeError);
    expect(() => reciprocalRankFusion([1], [], { k: 0 })).toThrow(RangeError);
  });
});
