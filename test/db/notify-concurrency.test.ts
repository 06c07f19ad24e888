import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { ensureList } from "../../functions/ingest/lists";
import { ingestBatch } from "../../functions/ingest/store";
import { splitMbox } from "../../functions/mail/mbox";
import { openPg15Database } from "../helpers/db";
import { connectPg15, createSchemaSlice } from "./pg15-schema";

/**
 * Two imports of the same mail at once, on PostgreSQL 15 with real sessions: a watched thread's new replies
 * give each watcher exactly one notification, whichever import stores the message (the other finds it a
 * duplicate, its transaction retried in parts after the unique violation).
 */
const NAME = "nexus_notify_concurrency";
const MBOX = resolve(
  import.meta.dirname,
  "../../../shared/corpus/publicinbox-v2/wcn36xx.lists.infradead.org.mbox",
);
const mails = [...splitMbox(readFileSync(MBOX))].map((e) => ({ bytes: e.bytes, sourceDate: e.fromLineDate }));

let a: Database;
let b: Database;
beforeAll(async () => {
  a = await openPg15Database(NAME, 3);
  await createSchemaSlice(a, [
    "mailing_lists",
    "authors",
    "author_name_aliases",
    "author_mailing_list_activity",
    "patch_series",
    "emails",
    "email_sources",
    "email_recipients",
    "email_references",
    "threads",
    "thread_memberships",
    "users",
    "user_thread_follows",
    "notifications",
    "user_email_addresses",
  ]);
  b = connectPg15(NAME, 3);
});
afterAll(async () => {
  await a?.end();
  await b?.end();
});

describe("notifications under concurrent imports (PostgreSQL 15)", () => {
  it("two imports of the second half at once notify each watcher once per new reply", async () => {
    const list = await ensureList(a.pool, "wcn");
    await ingestBatch(a.pool, list.id, mails.slice(0, 20));
    // every thread of the first half is watched by one user
    await a.pool.query("INSERT INTO users (auth_provider, email) VALUES ('local', 'watcher@example.org')");
    await a.pool.query(
      `INSERT INTO user_thread_follows (user_id, thread_id, level)
       SELECT u.id, t.id, 'watch' FROM users u, threads t`,
    );
    const rest = mails.slice(20);
    const [x, y] = await Promise.all([
      ingestBatch(a.pool, list.id, rest),
      ingestBatch(b.pool, list.id, rest),
    ]);
    const stored = (r: typeof x) => r.outcomes.filter((o) => o.status === "stored").length;
    // each message stored by exactly one of the two
    expect(stored(x) + stored(y)).toBe(rest.length);
    const { rows } = await a.pool.query(
      `SELECT count(*)::int n, count(DISTINCT (n.user_id, n.email_id))::int distinct_pairs,
              (SELECT count(*)::int FROM emails e JOIN thread_memberships m ON m.email_id = e.id
                 JOIN user_thread_follows f ON f.thread_id = m.thread_id
                 JOIN authors au ON au.id = e.author_id
                WHERE e.message_id = ANY($1::text[]) AND au.email <> 'watcher@example.org') expected
         FROM notifications n`,
      [x.outcomes.map((o) => o.messageId)],
    );
    expect(rows[0].n).toBe(rows[0].distinct_pairs);
    expect(rows[0].n).toBe(rows[0].expected);
    expect(rows[0].n).toBeGreaterThan(0);
  });
});
