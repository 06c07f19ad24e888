import { describe, expect, it } from "vitest";
import { linkify, mailBlocks, quoteLevel } from "../../../functions/web/mail-view";

const kinds = (body: string) =>
  mailBlocks(body).flatMap((b) => b.lines.map((l) => `${b.kind}${b.level}:${l.kind}`));

describe("mail view", () => {
  it("counts quote levels written as >, > > and >>", () => {
    expect(quoteLevel("> a").level).toBe(1);
    expect(quoteLevel("> > a").level).toBe(2);
    expect(quoteLevel(">>> a")).toEqual({ level: 3, rest: "a" });
    expect(quoteLevel("a > b").level).toBe(0);
  });

  it("splits a reply into text and quote blocks by level", () => {
    const blocks = mailBlocks("On Monday X wrote:\n> first\n> > older\n> first again\n\nMy answer.");
    expect(blocks.map((b) => [b.kind, b.level, b.lines.length])).toEqual([
      ["text", 0, 1],
      ["quote", 1, 1],
      ["quote", 2, 1],
      ["quote", 1, 1],
      ["text", 0, 2],
    ]);
  });

  it("colours a diff: file headers, hunks, added, removed, context; then text again", () => {
    const body = [
      "Fix it.",
      "",
      "Signed-off-by: A B <a@b.org>",
      "---",
      " kernel/x.c | 2 +-",
      " 1 file changed, 1 insertion(+), 1 deletion(-)",
      "",
      "diff --git a/kernel/x.c b/kernel/x.c",
      "index 1111111..2222222 100644",
      "--- a/kernel/x.c",
      "+++ b/kernel/x.c",
      "@@ -1,3 +1,3 @@ int f(void)",
      " a",
      "-b",
      "+c",
      "",
      "-- ",
      "2.43.0",
    ].join("\n");
    expect(kinds(body)).toEqual([
      "text0:text",
      "text0:text",
      "text0:trailer",
      "text0:text",
      "text0:diffstat",
      "text0:diffstat",
      "text0:text",
      "diff0:file",
      "diff0:meta",
      "diff0:file",
      "diff0:file",
      "diff0:hunk",
      "diff0:ctx",
      "diff0:del",
      "diff0:add",
      "diff0:ctx",
      "signature0:text",
      "signature0:text",
    ]);
  });

  it("does not take a '--- ' sentence line for a diff without +++ or a hunk after it", () => {
    expect(kinds("--- a/b is what I meant\nthanks")).toEqual(["text0:text", "text0:text"]);
  });

  it("a '-- ' far from the end is no signature", () => {
    const body = ["-- ", ...Array.from({ length: 30 }, (_, i) => `line ${i}`)].join("\n");
    expect(mailBlocks(body).every((b) => b.kind === "text")).toBe(true);
  });

  it("links http(s) URLs without trailing punctuation and keeps balanced brackets", () => {
    expect(linkify("see https://lore.kernel.org/r/x@y.z/.")).toEqual([
      { text: "see " },
      { text: "https://lore.kernel.org/r/x@y.z/", href: "https://lore.kernel.org/r/x@y.z/" },
      { text: "." },
    ]);
    expect(linkify("(https://en.wikipedia.org/wiki/A_(b))")[1]).toEqual({
      text: "https://en.wikipedia.org/wiki/A_(b)",
      href: "https://en.wikipedia.org/wiki/A_(b)",
    });
  });

  it("never links javascript:, data: or other schemes", () => {
    for (const line of [
      "javascript:alert(1)",
      "<a href=javascript:alert(1)>x</a>",
      "data:text/html,<script>",
    ]) {
      expect(linkify(line)).toEqual([{ text: line }]);
    }
  });

  it("links Message-IDs, not mail addresses", () => {
    expect(linkify("Message-ID: <20200101.1234-1-a@b.org>")[1]).toEqual({
      text: "20200101.1234-1-a@b.org",
      mid: "20200101.1234-1-a@b.org",
    });
    expect(linkify("In <20240102123456.98765-2-someone@kernel.org> you said")[1]).toHaveProperty("mid");
    expect(linkify("Reviewed-by: Daniel <daniel.thompson@linaro.org>")).toEqual([
      { text: "Reviewed-by: Daniel <daniel.thompson@linaro.org>" },
    ]);
  });

  it("keeps every character of the body, in order", () => {
    const body = "a <b>\n> c https://x.org/?a=1&b=<2>\n+d\n-- \nsig";
    const text = mailBlocks(body)
      .map((b) => b.lines.map((l) => l.spans.map((s) => s.text).join("")).join("\n"))
      .join("\n");
    expect(text).toBe(body);
  });
});
