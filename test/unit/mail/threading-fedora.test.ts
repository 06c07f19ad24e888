import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { corpusPath, parseMboxFile, threadParsed } from "./corpus";

/**
 * The fedora-devel-list 2010-January archive and MHonArc's own thread page for it. MHonArc numbers
 * messages in mbox order (msg00000 = first message) and nests each reply under its parent, but only to a
 * fixed depth (its TLEVELS setting): deeper replies are listed flat under the ancestor at the last shown
 * level. The test reads that depth off the page and compares our tree seen the same way.
 */
function expectedParents(html: string): { parents: Map<number, number | null>; maxDepth: number } {
  const parents = new Map<number, number | null>();
  const stack: (number | null)[] = [];
  let maxDepth = 0;
  let lastLi: number | null = null;
  const re = /<li><strong><a name="(\d+)"|<ul>|<\/ul>/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[1] !== undefined) {
      const n = Number(m[1]);
      parents.set(n, stack.length ? stack[stack.length - 1]! : null);
      maxDepth = Math.max(maxDepth, stack.filter((x) => x !== null).length);
      lastLi = n;
    } else if (m[0].toLowerCase() === "<ul>") {
      stack.push(lastLi);
      lastLi = null;
    } else stack.pop();
  }
  return { parents, maxDepth };
}

describe("JWZ threading against the fedora-devel answer key", () => {
  const messages = parseMboxFile(corpusPath("jwz-fedora/2010-January.txt"));
  const html = readFileSync(corpusPath("jwz-fedora/2010-January_thread.html"), "latin1");
  const { parents: expected, maxDepth } = expectedParents(html);

  it("maps the archive's numbering onto the mbox order", () => {
    expect(messages.length).toBe(292);
    expect(expected.size).toBe(292);
    // spot-check the mapping on subjects: every entry's title matches the message subject
    const titles = new Map<number, string>();
    for (const m of html.matchAll(/<a name="(\d+)" href="msg\d+\.html">([^<]*)<\/a>/g))
      titles.set(Number(m[1]), m[2]!);
    let same = 0;
    for (const [n, title] of titles) {
      const subj = messages[n]!.subject.replace(/\s+/g, " ");
      const t = title
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/\s+/g, " ");
      if (subj === t.trim()) same++;
    }
    expect(same / titles.size).toBeGreaterThan(0.95);
  });

  it("gives at least 99% of messages the same parent", () => {
    const threads = threadParsed(messages);
    const index = new Map(messages.map((m, i) => [m.messageId, i]));
    const realParent = new Map<string, string | null>();
    for (const t of threads) {
      const byId = new Map(t.members.map((x) => [x.messageId, { ...x }]));
      // MHonArc has no placeholder for a missing root: its first reply takes the top, the others hang under it
      const top = t.members[0]!;
      if (top.phantom) {
        const first = t.members.find((x) => x.parentId === top.messageId)!;
        for (const x of byId.values())
          if (x.parentId === top.messageId && x.messageId !== first.messageId) x.parentId = first.messageId;
      }
      for (const x of byId.values()) {
        if (x.phantom) continue;
        // the real ancestors (MHonArc shows no placeholders for missing messages), root first
        const ancestors: string[] = [];
        for (let p = x.parentId; p; p = byId.get(p)!.parentId)
          if (!byId.get(p)!.phantom) ancestors.unshift(p);
        // shown at most maxDepth levels deep: deeper replies hang under the ancestor at level maxDepth-1
        realParent.set(
          x.messageId,
          ancestors.length ? ancestors[Math.min(ancestors.length, maxDepth) - 1]! : null,
        );
      }
    }
    let same = 0;
    const wrong: string[] = [];
    messages.forEach((m, i) => {
      const p = realParent.get(m.messageId) ?? null;
      const got = p === null ? null : (index.get(p) ?? null);
      if (got === expected.get(i)) same++;
      else wrong.push(`${i}: got ${got} want ${expected.get(i)} (${m.subject})`);
    });
    const ratio = same / messages.length;
    if (ratio < 1)
      console.log(`fedora: ${same}/${messages.length} same parent; differing:\n${wrong.join("\n")}`);
    expect(ratio).toBeGreaterThanOrEqual(0.99);
  });
});
