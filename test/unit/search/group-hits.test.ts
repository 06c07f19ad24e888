import { describe, expect, it } from "vitest";
import { groupByThread } from "../../../functions/search/group-hits";

describe("groupByThread", () => {
  it("ranks a thread where its best hit ranks and keeps its best hits", () => {
    const ranked = [
      { emailId: 1, threadId: 10 },
      { emailId: 2, threadId: 20 },
      { emailId: 3, threadId: 10 },
      { emailId: 4, threadId: 10 },
      { emailId: 5, threadId: 30 },
      { emailId: 6, threadId: 20 },
    ];
    const groups = groupByThread(ranked, 2);
    expect(groups.map((g) => g.threadId)).toEqual([10, 20, 30]);
    expect(groups[0]).toMatchObject({ hitCount: 3, hits: [{ emailId: 1 }, { emailId: 3 }] });
    expect(groups[1]!.hits.map((h) => h.emailId)).toEqual([2, 6]);
    expect(groups[2]!.hitCount).toBe(1);
  });

  it("counts a message once even if a fallback list repeats it", () => {
    const groups = groupByThread(
      [
        { emailId: 1, threadId: 10 },
        { emailId: 1, threadId: 10 },
      ],
      3,
    );
    expect(groups).toEqual([{ threadId: 10, hitCount: 1, hits: [{ emailId: 1, threadId: 10 }] }]);
  });
});
