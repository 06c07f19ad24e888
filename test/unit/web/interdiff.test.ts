import { describe, expect, it } from "vitest";
import { comparablePatch, diffLines, interdiff } from "../../../functions/mail/interdiff";

const patch = (message: string, lines: string[], index = "1111111..2222222", at = "@@ -10,6 +10,7 @@ f()") =>
  [
    message,
    "",
    "Signed-off-by: A <a@b.org>",
    "---",
    " x.c | 1 +",
    "",
    "diff --git a/x.c b/x.c",
    `index ${index} 100644`,
    "--- a/x.c",
    "+++ b/x.c",
    at,
    ...lines,
    "-- ",
    "2.40.0",
  ].join("\n");

describe("interdiff", () => {
  it("diffLines is a minimal edit script that rebuilds both sides", () => {
    const a = "a b c a b b a".split(" ");
    const b = "c b a b a c".split(" ");
    const d = diffLines(a, b);
    expect(d.filter((l) => l.op !== "+").map((l) => l.text)).toEqual(a);
    expect(d.filter((l) => l.op !== "-").map((l) => l.text)).toEqual(b);
    expect(d.filter((l) => l.op !== " ").length).toBe(5); // Myers' example: D = 5
  });

  it("ignores blob ids, hunk line numbers, the diffstat and the footer", () => {
    const v1 = patch("Fix x", [" a", "+b"], "1111111..2222222", "@@ -10,6 +10,7 @@ f()");
    const v2 = patch("Fix x", [" a", "+b"], "3333333..4444444", "@@ -12,6 +12,7 @@ f()").replace(
      " x.c | 1 +",
      " x.c | 1 +\n y.c | 2 ++",
    );
    expect(interdiff(v1, v2)).toEqual({ lines: [], added: 0, removed: 0 });
    expect(comparablePatch(v1)).toContain("@@ f()");
    expect(comparablePatch(v1)).not.toContain("2.40.0");
  });

  it("shows what changed in the commit message and in the diff, with context", () => {
    const v1 = patch("Fix x", [" a", "+b", " c"]);
    const v2 = patch("Fix x properly", [" a", "+b2", " c"]);
    const d = interdiff(v1, v2, 1);
    expect(d.added).toBe(2);
    expect(d.removed).toBe(2);
    expect(d.lines.filter((l) => l.op === "-").map((l) => l.text)).toEqual(["Fix x", "+b"]);
    expect(d.lines.filter((l) => l.op === "+").map((l) => l.text)).toEqual(["Fix x properly", "+b2"]);
    expect(d.lines.some((l) => l.op === "~")).toBe(true);
  });
});
