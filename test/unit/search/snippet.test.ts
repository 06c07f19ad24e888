import { describe, expect, it } from "vitest";
import { MARK_END, MARK_START, snippetHtml } from "../../../functions/search/snippet";

describe("snippetHtml", () => {
  it("escapes the text and turns only the headline marks into <mark>", () => {
    const headline = `if (a < b && ${MARK_START}kgdb${MARK_END}) <script>"x"</script>`;
    expect(snippetHtml(headline)).toBe(
      "if (a &lt; b &amp;&amp; <mark>kgdb</mark>) &lt;script&gt;&quot;x&quot;&lt;/script&gt;",
    );
  });

  it("never leaves a mark open or unbalanced", () => {
    expect(snippetHtml(`${MARK_START}a${MARK_START}b`)).toBe("<mark>ab</mark>");
    expect(snippetHtml(`${MARK_END}a`)).toBe("a");
  });
});
