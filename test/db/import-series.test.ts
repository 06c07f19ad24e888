import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { ensureList } from "../../functions/ingest/lists";
import { ingestBatch } from "../../functions/ingest/store";
import { splitMbox } from "../../functions/mail/mbox";
import { openTestDatabase } from "../helpers/db";

/**
 * Series across batches, on patchwork's series cases (real git send-email mail): patches stored before their
 * cover letter join the cover's series when it arrives, so any arrival order gives the series of all at once.
 */
const SERIES = resolve(import.meta.dirname, "../../../shared/corpus/patchwork/series");
const messages = (file: string) =>
  [...splitMbox(readFileSync(resolve(SERIES, file)))].map((e) => ({
    bytes: e.bytes,
    sourceDate: e.fromLineDate,
  }));

let database: Database;
beforeAll(() => {
  database = openTestDatabase("import_series", 2);
});
afterAll(() => database.end());

/** Each series as its sorted members' Message-IDs, with its cover and patch count. */
async function seriesOf(listId: number) {
  const r = await database.pool.query(
    `SELECT s.series_key, s.patch_count, c.message_id AS cover,
            array_agg(e.message_id ORDER BY e.message_id) AS members
       FROM patch_series s JOIN emails e ON e.series_id = s.id LEFT JOIN emails c ON c.id = s.cover_email_id
      WHERE s.mailing_list_id = $1 GROUP BY s.id, c.message_id ORDER BY s.series_key`,
    [listId],
  );
  const [orphans] = (
    await database.pool.query(
      "SELECT count(*)::int n FROM patch_series s WHERE s.mailing_list_id = $1 AND NOT EXISTS (SELECT 1 FROM emails e WHERE e.series_id = s.id)",
      [listId],
    )
  ).rows;
  expect(orphans.n).toBe(0);
  return r.rows;
}

describe("late cover letter", () => {
  it.each([
    ["base-cover-letter.mbox", [1, 2, 0]],
    ["base-cover-letter.mbox", [2, 0, 1]],
    ["base-deep-threaded.mbox", [2, 1, 0]],
    ["revision-threaded-to-cover.mbox", null],
  ] as const)("%s in order %j, one batch per message = all at once", async (file, order) => {
    const mail = messages(file);
    const slug = `${file.replace(/\W/g, "-")}-${order?.join("") ?? "rev"}`;
    const whole = await ensureList(database.pool, `${slug}-whole`);
    await ingestBatch(database.pool, whole.id, mail);
    const expected = await seriesOf(whole.id);
    expect(expected.some((s) => s.cover !== null)).toBe(true);

    const parts = await ensureList(database.pool, `${slug}-parts`);
    const sequence = order ?? [...mail.keys()].reverse(); // by default: last message first
    for (const i of sequence) await ingestBatch(database.pool, parts.id, [mail[i]!]);
    expect(await seriesOf(parts.id)).toEqual(expected);
  });

  it("before the cover arrives the patches do not share its series; after, they do", async () => {
    const mail = messages("base-cover-letter.mbox");
    const list = await ensureList(database.pool, "late-cover-steps");
    await ingestBatch(database.pool, list.id, [mail[1]!]);
    await ingestBatch(database.pool, list.id, [mail[2]!]);
    expect((await seriesOf(list.id)).map((s) => s.members.length)).toEqual([1, 1]);
    await ingestBatch(database.pool, list.id, [mail[0]!]);
    const after = await seriesOf(list.id);
    expect(after).toHaveLength(1);
    expect(after[0]!.members).toHaveLength(3);
    expect(after[0]!.cover).toBe(after[0]!.series_key);
    expect(after[0]!.patch_count).toBe(2);
  });
});
