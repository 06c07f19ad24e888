import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { ensureList } from "../../functions/ingest/lists";
import { ingestBatch } from "../../functions/ingest/store";
import { openTestDatabase } from "../helpers/db";

/** Incremental threading in the database: replies join later, a late parent re-parents its children. */
const DIR = resolve(import.meta.dirname, "../../../shared/corpus/notmuch/threading/ghost-root");
const mail = (name: string) => ({ bytes: new Uint8Array(readFileSync(join(DIR, name))) });

let database: Database;
beforeAll(() => {
  database = openTestDatabase("import_threading", 2);
});
afterAll(() => database.end());

const parents = async (listId: number) =>
  Object.fromEntries(
    (
      await database.pool.query(
        `SELECT m.message_id, m.parent_message_id, t.root_message_id FROM thread_memberships m
           JOIN threads t ON t.id = m.thread_id WHERE t.mailing_list_id = $1 AND m.email_id IS NOT NULL`,
        [listId],
      )
    ).rows.map((r) => [r.message_id, { parent: r.parent_message_id, root: r.root_message_id }]),
  );

describe("incremental threading", () => {
  it("a late root re-parents the replies that arrived before it; one at a time = all at once", async () => {
    const late = await ensureList(database.pool, "late-parent");
    // replies first, one batch each, the real root last
    for (const f of ["great-grand-child", "grand-child", "child", "grand-child2", "fake-root"]) {
      await ingestBatch(database.pool, late.id, [mail(f)]);
    }
    const before = await parents(late.id);
    expect(before["001-child@example.org"]?.parent).toBe(null);
    await ingestBatch(database.pool, late.id, [mail("real-root")]);
    const after = await parents(late.id);
    expect(after["001-child@example.org"]).toEqual({
      parent: "000-real-root@example.org",
      root: "000-real-root@example.org",
    });
    expect(after["001-great-grand-child@example.org"]?.root).toBe("000-real-root@example.org");
    const threadCount = await database.pool.query(
      "SELECT count(*)::int n FROM threads WHERE mailing_list_id = $1",
      [late.id],
    );
    expect(threadCount.rows[0].n).toBe(1);

    const once = await ensureList(database.pool, "all-at-once");
    await ingestBatch(
      database.pool,
      once.id,
      ["real-root", "child", "grand-child", "grand-child2", "great-grand-child", "fake-root"].map(mail),
    );
    expect(await parents(once.id)).toEqual(after);
  });
});
