import { describe, expect, it } from "vitest";
import type { ParsedMessage } from "../../../functions/mail/parse";
import type { Thread } from "../../../functions/mail/thread";
import { corpusPath, filesUnder, parseFile, threadParsed } from "./corpus";

/** notmuch's threading corpora (test/corpora/threading, broken/loop) with what its T510/T580 tests expect. */
const thread: (messages: ParsedMessage[]) => Thread[] = threadParsed;

const parentOf = (threads: Thread[], id: string) => {
  for (const t of threads) for (const m of t.members) if (m.messageId === id) return m.parentId;
  throw new Error(`${id} not threaded`);
};
const threadOf = (threads: Thread[], id: string) =>
  threads.find((t) => t.members.some((m) => m.messageId === id))!;

describe("notmuch threading/parent-priority", () => {
  const threads = thread(filesUnder(corpusPath("notmuch/threading/parent-priority")).map(parseFile));
  it("In-Reply-To decides the parent when References is in the wrong order", () => {
    expect(threads.length).toBe(1);
    expect(parentOf(threads, "B01-child@example.org")).toBe("B00-root@example.org");
    expect(parentOf(threads, "B01-grand-child@example.org")).toBe("B01-child@example.org");
  });
});

describe("notmuch threading/ghost-root", () => {
  const threads = thread(filesUnder(corpusPath("notmuch/threading/ghost-root")).map(parseFile));
  it("a message whose parent is missing stays in the thread of the real root through a ghost", () => {
    const t = threadOf(threads, "000-real-root@example.org");
    expect(t.rootMessageId).toBe("000-real-root@example.org");
    const ids = t.members
      .filter((m) => !m.phantom)
      .map((m) => m.messageId)
      .sort();
    expect(ids).toEqual(
      [
        "000-real-root@example.org",
        "001-child@example.org",
        "001-fake-message-root@example.org",
        "001-grand-child2@example.org",
        "001-grand-child@example.org",
        "001-great-grand-child@example.org",
      ].sort(),
    );
    // the missing message joins nothing else, so (JWZ pruning) fake-root hangs from child directly
    expect(parentOf(threads, "001-fake-message-root@example.org")).toBe("001-child@example.org");
  });
  it("replies to one missing message share a thread rooted at the ghost", () => {
    const t = threadOf(threads, "87bmc6lp3h.fsf@len.workgroup");
    expect(t.messageCount).toBe(3);
    expect(t.members[0]!.phantom).toBe(true);
  });
});

describe("notmuch broken/loop", () => {
  it("a reference cycle is broken into one thread of both messages", () => {
    const threads = thread(filesUnder(corpusPath("notmuch/broken/loop")).map(parseFile));
    expect(threads.length).toBe(1);
    expect(threads[0]!.messageCount).toBe(2);
    expect(threads[0]!.members.filter((m) => m.parentId === null).length).toBe(1);
  });
});

describe("notmuch lkml corpus", () => {
  const messages = filesUnder(corpusPath("notmuch/lkml")).map(parseFile);
  const threads = thread(messages);
  it("every message is in exactly one thread", () => {
    const seen = new Map<string, number>();
    for (const t of threads)
      for (const m of t.members) if (!m.phantom) seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
    expect(seen.size).toBe(new Set(messages.map((m) => m.messageId)).size);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });
  it("every message with a known In-Reply-To parent hangs under it", () => {
    const ids = new Set(messages.map((m) => m.messageId));
    let checked = 0;
    for (const m of messages) {
      if (!m.inReplyTo || !ids.has(m.inReplyTo)) continue;
      expect(parentOf(threads, m.messageId)).toBe(m.inReplyTo);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
  it("depth is the parent's depth plus one and order is a pre-order walk", () => {
    for (const t of threads) {
      const byId = new Map(t.members.map((m) => [m.messageId, m]));
      t.members.forEach((m, i) => {
        expect(m.order).toBe(i);
        if (m.parentId) {
          const p = byId.get(m.parentId)!;
          expect(m.depth).toBe(p.depth + 1);
          expect(p.order).toBeLessThan(m.order);
        } else expect(m.depth).toBe(0);
      });
    }
  });
  it("threading is independent of input order (two halves = at once)", () => {
    const reversed = thread([...messages].reverse());
    const key = (ts: Thread[]) => ts.map((t) => `${t.rootMessageId}:${t.membershipHash}`).sort();
    expect(key(reversed)).toEqual(key(threads));
  });
});
