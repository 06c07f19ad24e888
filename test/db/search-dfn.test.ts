import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { lexicalCandidates } from "../../db/queries/search";
import { ensureList } from "../../functions/ingest/lists";
import { ingestBatch } from "../../functions/ingest/store";
import { parseQuery } from "../../functions/search/query-parser";
import { compileQuery } from "../../functions/search/query-sql";
import { openTestDatabase } from "../helpers/db";

/**
 * dfn: through patch_paths() and its trigram index (migration 0006): the path, `…/name` and `dir/…`, old paths
 * of renames, and paths whose characters mean something to a regular expression or to LIKE.
 */
function patchMail(n: number, diff: string): Uint8Array {
  return new TextEncoder().encode(
    [
      "From: Dev Eloper <dev@example.org>",
      `Subject: [PATCH] change ${n}`,
      `Message-ID: <dfn-${n}@example.org>`,
      "Date: Tue, 3 Mar 2020 10:00:00 +0000",
      "",
      "A change.",
      "",
      "Signed-off-by: Dev Eloper <dev@example.org>",
      "---",
      diff,
      "-- ",
      "2.25.1",
      "",
    ].join("\n"),
  );
}

const edit = (path: string) =>
  `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -1 +1 @@\n-old\n+new`;
const rename = (from: string, to: string) =>
  `diff --git a/${from} b/${to}\nsimilarity index 90%\nrename from ${from}\nrename to ${to}\n--- a/${from}\n+++ b/${to}\n@@ -1 +1 @@\n-old\n+new`;

const FILES: Record<number, string> = {
  1: edit("drivers/tty/serial/a.c"),
  2: edit("abc"), // "a.c" as a regular expression would match it
  3: rename("lib/old/x.h", "lib/c++/x.h"),
  4: edit("tools/a_c"), // "a_c" as LIKE would match "a.c" and the reverse
  5: edit("docs/a.c.rst"),
};

let database: Database;
let listId: number;
beforeAll(async () => {
  database = openTestDatabase("search_dfn", 2);
  listId = (await ensureList(database.pool, "dfn")).id;
  const items = Object.entries(FILES).map(([n, diff]) => ({ bytes: patchMail(Number(n), diff) }));
  const result = await ingestBatch(database.pool, listId, items);
  expect(result.outcomes.map((o) => o.status)).toEqual(Object.keys(FILES).map(() => "stored"));
});
afterAll(() => database.end());

async function dfn(q: string): Promise<number[]> {
  const { hits } = await lexicalCandidates(
    database.db,
    compileQuery(parseQuery(q)),
    { listSlug: "dfn" },
    1000,
  );
  const ids = hits.map((h) => h.emailId);
  if (ids.length === 0) return [];
  const r = await database.pool.query<{ message_id: string }>(
    "SELECT message_id FROM emails WHERE id = ANY($1::bigint[])",
    [ids],
  );
  return r.rows.map((row) => Number(/dfn-(\d+)@/.exec(row.message_id)![1])).sort();
}

describe("dfn: a file touched by a patch", () => {
  it("matches the whole path, a file name and a directory, literally", async () => {
    expect(await dfn("dfn:drivers/tty/serial/a.c")).toEqual([1]);
    expect(await dfn("dfn:a.c")).toEqual([1]);
    expect(await dfn("dfn:serial/a.c")).toEqual([1]);
    expect(await dfn("dfn:drivers/tty")).toEqual([1]);
    expect(await dfn("dfn:drivers/tty/")).toEqual([1]);
    expect(await dfn("dfn:a_c")).toEqual([4]);
    expect(await dfn("dfn:tty/serial/a")).toEqual([]); // not a whole name
    expect(await dfn("dfn:rivers/tty")).toEqual([]);
  });

  it("finds a renamed file by its old and new path, with regular-expression characters in it", async () => {
    expect(await dfn("dfn:lib/c++/x.h")).toEqual([3]);
    expect(await dfn("dfn:lib/c++")).toEqual([3]);
    expect(await dfn("dfn:old/x.h")).toEqual([3]);
    expect(await dfn("dfn:x.h")).toEqual([3]);
  });

  it("is served by the trigram index on the paths kept with each patch, or walks the patches newest first", async () => {
    const client = await database.pool.connect();
    try {
      await client.query("SET enable_seqscan = off"); // the table is tiny: show the index can be used
      const plan = await client.query(
        "EXPLAIN SELECT id FROM emails WHERE patch_path_list IS NOT NULL AND patch_path_list ~ $1",
        ["[\n/]a\\.c\n|\na\\.c/"],
      );
      expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("emails_patch_paths_trgm_idx");
      // the newest patches touching a file that many patches touch: walked newest first, each one's paths tested
      await client.query("SET enable_bitmapscan = off");
      const walk = await client.query(
        "EXPLAIN SELECT id FROM emails WHERE mailing_list_id = 1 AND patch_path_list IS NOT NULL AND patch_path_list ~ $1 ORDER BY date DESC, id DESC LIMIT 10",
        ["[\n/]a\\.c\n|\na\\.c/"],
      );
      expect(walk.rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("emails_list_patch_date_idx");
      // the stored column is patch_paths() of the row's metadata, for every patch
      const { rows } = await client.query(
        "SELECT count(*)::int AS n FROM emails WHERE patch_path_list IS DISTINCT FROM patch_paths(patch_metadata)",
      );
      expect(rows[0].n).toBe(0);
    } finally {
      client.release(true);
    }
  });
});
