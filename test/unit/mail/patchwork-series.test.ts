import { describe, expect, it } from "vitest";
import { addressKey } from "../../../functions/mail/address";
import { referenceChain } from "../../../functions/mail/message-id";
import type { ParsedMessage } from "../../../functions/mail/parse";
import { assignSeries, type SeriesCandidate, seriesLineageKey } from "../../../functions/mail/series";
import { normalizeSubject, parseSubjectTags } from "../../../functions/mail/subject";
import { corpusPath, parseMboxFile } from "./corpus";

/**
 * patchwork's series cases (patchwork/tests/series) with the series counts its test_series.py asserts:
 * how many distinct series the messages of each mbox form.
 */
const EXPECTED_SERIES: Record<string, number> = {
  "base-cover-letter": 1,
  "base-deep-threaded": 1,
  "base-different-versions": 1,
  "base-extra-patches": 1,
  "base-incomplete": 1,
  "base-no-cover-letter": 1,
  "base-no-references": 1,
  "base-no-references-no-cover": 1,
  "base-out-of-order": 1,
  "base-single-patch": 1,
  "bugs-mixed-versions": 2,
  "bugs-nocover": 2,
  "bugs-nocover-noversion": 2,
  "bugs-spamming": 3,
  "bugs-unnumbered": 1,
  "mercurial-cover-letter": 1,
  "mercurial-no-cover-letter": 1,
  "revision-basic": 2,
  "revision-no-cover-letter": 2,
  "revision-out-of-order": 2,
  "revision-threaded-to-cover": 2,
  "revision-threaded-to-patch": 2,
  "revision-threaded-to-single-patch": 2,
  "revision-unlabeled": 2,
  "revision-unlabeled-noreferences": 2,
};

function candidates(messages: ParsedMessage[]): SeriesCandidate[] {
  return messages.map((m) => ({
    messageId: m.messageId,
    authorKey: addressKey(m.from?.address ?? ""),
    tags: parseSubjectTags(m.subject),
    normalizedSubject: normalizeSubject(m.subject),
    date: m.date.date,
    chain: referenceChain(m.messageId, m.references, m.inReplyTo ? [m.inReplyTo] : []),
  }));
}

function seriesOf(file: string) {
  const cands = candidates(parseMboxFile(corpusPath("patchwork/series", `${file}.mbox`)));
  const byId = new Map(cands.map((c) => [c.messageId, c]));
  return cands.map((c) => ({
    c,
    s: assignSeries(
      c,
      (id) => byId.get(id),
      (m) => cands.filter((x) => x.authorKey === m.authorKey),
    ),
  }));
}

describe("patchwork series/: series grouping", () => {
  it.each(Object.entries(EXPECTED_SERIES))("%s forms %i series", (file, count) => {
    const got = seriesOf(file);
    expect(new Set(got.filter((g) => g.s).map((g) => g.s!.seriesKey)).size).toBe(count);
  });

  it("a cover letter and its patches share the cover's id as series key", () => {
    const got = seriesOf("base-cover-letter");
    const cover = got.find((g) => g.s?.isCover)!;
    expect(cover).toBeTruthy();
    for (const g of got) expect(g.s!.seriesKey).toBe(cover.c.messageId);
  });

  it.each(Object.keys(EXPECTED_SERIES).filter((f) => f.startsWith("revision-")))(
    "%s: the two versions share one lineage key",
    (file) => {
      const bySeries = new Map<string, { number: number | null; normalizedSubject: string }[]>();
      let author = "";
      for (const g of seriesOf(file)) {
        if (!g.s) continue;
        author = g.c.authorKey;
        bySeries.set(g.s.seriesKey, [
          ...(bySeries.get(g.s.seriesKey) ?? []),
          { number: g.s.number, normalizedSubject: g.c.normalizedSubject },
        ]);
      }
      expect(bySeries.size).toBe(2);
      expect(new Set([...bySeries.values()].map((members) => seriesLineageKey(author, members))).size).toBe(
        1,
      );
    },
  );

  it("bugs-unnumbered: a message without patch tags is in no series", () => {
    const got = seriesOf("bugs-unnumbered");
    expect(got.filter((g) => g.s === null).map((g) => g.c.normalizedSubject)).toEqual([
      "This is an orphaned patch!",
    ]);
  });

  it("a reply to a patch is not a series member", () => {
    const got = seriesOf("bugs-multiple-content-types");
    expect(got.filter((g) => g.c.tags.isReply).every((g) => g.s === null)).toBe(true);
  });
});

describe("subject tags", () => {
  it.each([
    ["[PATCH net-next v2 03/10] foo", { version: 2, number: 3, total: 10, prefixes: ["net-next"] }],
    ["[RFC PATCH v3 0/5] foo", { version: 3, number: 0, total: 5, isRfc: true }],
    ["[PATCHv4 1/2] foo", { version: 4, number: 1, total: 2 }],
    ["[PATCH 1 of 3] foo", { number: 1, total: 3 }],
    ["Re: [PATCH V2 2/4] foo", { isReply: true, version: 2, number: 2 }],
    ["Aw: Fwd: [PATCH] foo", { isReply: true, isPatch: true, number: null }],
    ["[GIT PULL] foo", { isPull: true, isPatch: true }],
    // shapes real mail has that once aborted imports (issue 10): each decided here
    ["[PATCH v0 0/2] foo", { isPatch: true, version: 0, number: 0, total: 2 }],
    ["[PATCH v0] foo", { isPatch: true, version: 0, number: null, total: null }],
    ["[RFC v0] foo", { isPatch: true, isRfc: true, version: 0 }],
    // a total of 0 numbers nothing: a patch outside any numbered series
    ["[PATCH 1/0] foo", { isPatch: true, number: null, total: null }],
    ["[PATCH 3/2] foo", { number: 3, total: 2 }],
    ["[PATCH 00/1000] foo", { number: 0, total: 1000 }],
    ["[PATCH 5/3 v2] foo", { version: 2, number: 5, total: 3 }],
    ["[PATCH v1.2] foo", { version: 1, versionLabel: "v1.2", number: null }],
    ["[PATCH v2.1 3/5] foo", { version: 2, versionLabel: "v2.1", number: 3, total: 5 }],
    ["[PATCH v3] foo", { version: 3, versionLabel: null }],
    // beyond four digits a number is a word of the subject, not a version or a position
    [
      "[PATCH v99999999999 1/99999999999] foo",
      { isPatch: true, version: 1, number: null, total: null, prefixes: ["v99999999999", "1/99999999999"] },
    ],
    ["[PATCH v9999 9999/9999] foo", { version: 9999, number: 9999, total: 9999 }],
  ])("%s", (subject, want) => {
    expect(parseSubjectTags(subject)).toMatchObject(want);
  });
});
