import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { replyTrailers, seriesMessages, seriesVersions } from "../../db/queries/series";
import { threadTree } from "../../db/queries/threads";
import { importSource } from "../../scripts/lib/import-source";
import { openTestDatabase } from "../helpers/db";
import { type EpochEntry, readEpoch, writeEpoch } from "../helpers/epoch";

/**
 * Issue 10: real mail with subjects the schema once refused ([PATCH v0] aborted a whole import), placed in
 * the middle of a real epoch (wcn36xx, with its deletion) and imported in small batches. Every message is
 * stored; a message the database does refuse (here a CHECK this test adds, standing for any constraint a
 * message may break) is rejected alone, named with the database's reason, and the cursor goes past it.
 */
const CORPUS = resolve(import.meta.dirname, "../../../shared/corpus/publicinbox-v2");
const work = mkdtempSync(join(tmpdir(), "nexus-resilience-"));

const enc = new TextEncoder();
let seq = 0;
function mail(
  subject: string,
  opts: { id?: string; replyTo?: string; body?: string; from?: string } = {},
): Uint8Array {
  const id = opts.id ?? `odd-${++seq}@example.org`;
  const date = new Date(Date.UTC(2026, 5, 1, 10, seq)).toUTCString().replace("GMT", "+0000");
  return enc.encode(
    [
      `From: ${opts.from ?? "Odd Sender <odd@example.org>"}`,
      "To: wcn36xx@lists.infradead.org",
      `Subject: ${subject}`,
      `Date: ${date}`,
      `Message-ID: <${id}>`,
      ...(opts.replyTo ? [`In-Reply-To: <${opts.replyTo}>`, `References: <${opts.replyTo}>`] : []),
      "",
      opts.body ?? "Some text.\n",
    ].join("\n"),
  );
}
const diff = (file: string) =>
  `A change.\n\nSigned-off-by: Odd Sender <odd@example.org>\n---\n${file} | 1 +\n\ndiff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -1 +1,2 @@\n a\n+b\n`;

/** The odd subjects, in posting order: a v0 series with a review, then its v1, then one of each shape. */
const ODD: Uint8Array[] = [
  mail("[PATCH v0 0/2] wifi: demo: zero-based series", { id: "v0-cover@example.org" }),
  mail("[PATCH v0 1/2] wifi: demo: first", {
    id: "v0-1@example.org",
    replyTo: "v0-cover@example.org",
    body: diff("drivers/demo/a.c"),
  }),
  mail("[PATCH v0 2/2] wifi: demo: second", {
    id: "v0-2@example.org",
    replyTo: "v0-cover@example.org",
    body: diff("drivers/demo/b.c"),
  }),
  mail("Re: [PATCH v0 1/2] wifi: demo: first", {
    id: "v0-1-review@example.org",
    replyTo: "v0-1@example.org",
    body: "Looks right.\n\nReviewed-by: Careful Reviewer <rev@example.org>\n",
  }),
  mail("[PATCH v1 0/2] wifi: demo: zero-based series", { id: "v1-cover@example.org" }),
  mail("[PATCH v1 1/2] wifi: demo: first", { id: "v1-1@example.org", replyTo: "v1-cover@example.org" }),
  mail("[PATCH v1 2/2] wifi: demo: second", { id: "v1-2@example.org", replyTo: "v1-cover@example.org" }),
  mail("[PATCH v0] wifi: lone zero", { from: "Shape 1 <shape1@example.org>" }),
  mail("[RFC v0] wifi: an idea", { from: "Shape 2 <shape2@example.org>" }),
  mail("[PATCH 1/0] wifi: one of none", { from: "Shape 3 <shape3@example.org>" }),
  mail("[PATCH 3/2] wifi: an extra patch", { from: "Shape 4 <shape4@example.org>" }),
  mail("[PATCH 00/1000] wifi: a very long series", { from: "Shape 5 <shape5@example.org>" }),
  mail("[PATCH v1.2] wifi: dotted version", { id: "dotted@example.org", from: "Dot <dot@example.org>" }),
  mail("[PATCH v2.1 3/5] wifi: dotted and numbered", { from: "Shape 6 <shape6@example.org>" }),
  mail("[PATCH 5/3 v2] wifi: order after", { from: "Shape 7 <shape7@example.org>" }),
  mail("[PATCH v99999999999 99999999999/99999999999] wifi: numbers beyond range", {
    from: "Shape 8 <shape8@example.org>",
  }),
  mail("[PATCH v2147483648 2147483648/2147483648] wifi: past int4", { from: "Shape 9 <shape9@example.org>" }),
  mail("[REFUSE-ME] a message this database refuses", { id: "refused@example.org" }),
];

let database: Database;
let inbox: string;
let wcnMessages = 0;
beforeAll(() => {
  database = openTestDatabase("import_resilience", 2);
  const original = join(work, "wcn.git");
  execFileSync("git", ["clone", "-q", "--mirror", join(CORPUS, "wcn36xx-with-rm.0.bundle"), original]);
  const entries = readEpoch(original);
  wcnMessages = entries.filter((e) => "add" in e).length;
  const half = Math.floor(entries.length / 2);
  const mixed: EpochEntry[] = [
    ...entries.slice(0, half),
    ...ODD.map((add) => ({ add })),
    ...entries.slice(half),
  ];
  inbox = join(work, "inbox");
  writeEpoch(join(inbox, "git/0.git"), mixed);
});
afterAll(async () => {
  await database.end();
  rmSync(work, { recursive: true, force: true });
});

const q = async <T>(text: string, params: unknown[] = []) =>
  (await database.pool.query(text, params)).rows as T[];

describe("an epoch with odd subjects mid-way, in batches of 4", () => {
  it("stores every message but the one the database refuses, and names that one", {
    timeout: 120_000,
  }, async () => {
    // a constraint this database adds: real Postgres refusing one real message mid-epoch
    await database.pool.query(
      "ALTER TABLE emails ADD CONSTRAINT test_refuses CHECK (subject NOT LIKE '%REFUSE-ME%')",
    );
    const s = await importSource(database.pool, { source: inbox, slug: "odd", batchSize: 4 });
    // wcn36xx's last commit deletes one of its messages
    expect(s.read).toBe(wcnMessages + 1 + ODD.length);
    expect(s.deleted).toBe(1);
    expect(s.imported).toBe(wcnMessages + ODD.length - 1);
    expect(s.rejected).toBe(1);
    expect(s.rejectedReasons).toEqual({ "database 23514 test_refuses": 1 });
    expect(s.rejections).toHaveLength(1);
    expect(s.rejections[0]!.messageId).toBe("refused@example.org");
    expect(s.rejections[0]!.where).toMatch(/^commit [0-9a-f]{40}$/);
    expect(s.rejections[0]!.reason).toMatch(/violates check constraint "test_refuses"/);

    const [counted] = await q<{ n: number }>(
      "SELECT count(*)::int n FROM emails e JOIN mailing_lists l ON l.id = e.mailing_list_id WHERE l.slug = 'odd'",
    );
    expect(counted!.n).toBe(wcnMessages - 1 + ODD.length - 1);
    const [cursor] = await q<{ last_indexed_commit: string }>(
      "SELECT r.last_indexed_commit FROM mailing_list_repositories r JOIN mailing_lists l ON l.id = r.mailing_list_id WHERE l.slug = 'odd'",
    );
    expect(cursor!.last_indexed_commit).toBe(
      execFileSync("git", ["--git-dir", join(inbox, "git/0.git"), "rev-parse", "HEAD"])
        .toString()
        .trim(),
    );
  });

  it("a second run adds nothing and rejects nothing new", { timeout: 60_000 }, async () => {
    const again = await importSource(database.pool, { source: inbox, slug: "odd", batchSize: 4 });
    expect(again).toMatchObject({ read: 0, imported: 0, rejected: 0, deleted: 0 });
  });

  it("the v0 series: versions 0 and 1 in one lineage, the review tallied on its patch", async () => {
    const [head] = await q<{ id: number; lineage_key: string; list: number }>(
      `SELECT s.id::int, s.lineage_key, s.mailing_list_id::int list FROM patch_series s
         JOIN emails e ON e.id = s.cover_email_id WHERE e.message_id = 'v0-cover@example.org'`,
    );
    const versions = await seriesVersions(database.db, head!.list, head!.lineage_key);
    expect(versions.map((v) => [v.version, v.versionLabel, v.total, v.patchCount])).toEqual([
      [0, null, 2, 2],
      [1, null, 2, 2],
    ]);
    const v0 = await seriesMessages(database.db, [head!.id]);
    expect(v0.map((m) => [m.messageId, m.number])).toEqual([
      ["v0-cover@example.org", 0],
      ["v0-1@example.org", 1],
      ["v0-2@example.org", 2],
    ]);
    const trailers = await replyTrailers(database.db, head!.list, ["v0-1@example.org", "v0-2@example.org"]);
    expect(trailers.map((t) => [t.inReplyTo, t.key, t.value])).toEqual([
      ["v0-1@example.org", "Reviewed-by", "Careful Reviewer <rev@example.org>"],
    ]);
    const [thread] = await q<{ id: number }>(
      `SELECT m.thread_id::int id FROM thread_memberships m JOIN emails e ON e.id = m.email_id
        WHERE e.message_id = 'v0-cover@example.org'`,
    );
    const tree = await threadTree(database.db, thread!.id);
    expect(tree.map((t) => [t.messageId, t.depth])).toEqual([
      ["v0-cover@example.org", 0],
      ["v0-1@example.org", 1],
      ["v0-1-review@example.org", 2],
      ["v0-2@example.org", 1],
    ]);
  });

  it("each odd shape is stored as decided: a patch, in a series or alone", async () => {
    const got = await q<{
      subject: string;
      version: number | null;
      label: string | null;
      n: number | null;
      t: number | null;
    }>(
      `SELECT e.subject, s.version, s.version_label label, e.series_number n, e.series_total t
         FROM emails e JOIN mailing_lists l ON l.id = e.mailing_list_id LEFT JOIN patch_series s ON s.id = e.series_id
        WHERE l.slug = 'odd' AND e.message_id LIKE 'odd-%' ORDER BY e.date`,
    );
    const by = new Map(
      got.map((g) => [g.subject.replace(/^\[[^\]]*\] /, ""), [g.version, g.label, g.n, g.t]]),
    );
    expect(Object.fromEntries(by)).toEqual({
      "wifi: lone zero": [0, null, null, null],
      "wifi: an idea": [0, null, null, null],
      "wifi: one of none": [1, null, null, null],
      "wifi: an extra patch": [1, null, 3, 2],
      "wifi: a very long series": [1, null, 0, 1000],
      "wifi: dotted and numbered": [2, "v2.1", 3, 5],
      "wifi: order after": [2, null, 5, 3],
      "wifi: numbers beyond range": [1, null, null, null],
      "wifi: past int4": [1, null, null, null],
    });
    const [dotted] = await q<{ version: number; label: string }>(
      `SELECT s.version, s.version_label label FROM patch_series s JOIN emails e ON e.series_id = s.id
        WHERE e.message_id = 'dotted@example.org'`,
    );
    expect(dotted).toEqual({ version: 1, label: "v1.2" });
  });
});
