import { sign } from "hono/jwt";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { splitMbox } from "../../functions/mail/mbox";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

/**
 * Follows and notifications across a real incremental import: the wcn36xx list's first half over HTTP
 * ingest, three users follow one of its threads (a watcher, a muter, and a watcher who writes in it), then
 * the second half: the watcher gets one notification per new reply of that thread, the writer none for
 * their own mail, the muter none; importing the second half again adds none.
 */
const bindings = envWith("follows_http");
const corpus = inject("ingestCorpus");
const admin = { authorization: `Bearer ${bindings.ADMIN_TOKEN}` };

let mails: Uint8Array[] = [];
const users = { watcher: 0, muter: 0, writer: 0 };
let writerAddress = "";
let threadId = 0;
let firstHalf = new Set<string>();

const tokenOf = (id: number) => {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    { sub: String(id), role: "user", tv: 0, iat: now, exp: now + 900 },
    bindings.JWT_SECRET!,
    "HS256",
  );
};
const as = async (id: number, path: string, init: RequestInit = {}) =>
  callApp(path, bindings, {
    ...init,
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await tokenOf(id)}`,
      ...init.headers,
    },
  });
const ingest = async (batch: Uint8Array[]) => {
  for (const bytes of batch) {
    const res = await callApp("/admin/v1/lists/wcn/messages", bindings, {
      method: "POST",
      headers: { "content-type": "message/rfc822", ...admin },
      body: bytes,
    });
    expect(res.status).toBe(200);
  }
};
const q = async <T>(text: string, params: unknown[] = []) => {
  const db = workerDatabase(bindings);
  try {
    return (await db.pool.query(text, params)).rows as T[];
  } finally {
    await db.end();
  }
};

beforeAll(async () => {
  const mbox = new Uint8Array(
    await (
      await fetch(`${corpus.url}/${encodeURIComponent("publicinbox-v2/wcn36xx.lists.infradead.org.mbox")}`)
    ).arrayBuffer(),
  );
  mails = [...splitMbox(mbox)].map((e) => e.bytes);
  expect(mails.length).toBe(39);
  await q("INSERT INTO mailing_lists (slug, name) VALUES ('wcn', 'wcn36xx')");
  await ingest(mails.slice(0, 20));
  firstHalf = new Set(
    (await q<{ message_id: string }>("SELECT message_id FROM emails")).map((r) => r.message_id),
  );
  // the thread of the first half that the second half adds the most replies to
  const all = new Set<string>();
  for (const m of mails) {
    const id = /^Message-ID:\s*<([^>]+)>/im.exec(new TextDecoder("latin1").decode(m))?.[1];
    if (id) all.add(id);
  }
  expect(all.size).toBe(39);
});

describe("follows and notifications over an incremental import", () => {
  it("notifies watchers once per new reply, never the reply's author, never a muter; a re-import adds none", async () => {
    // pick the thread after the second half is known: import it into a scratch list first
    await q("INSERT INTO mailing_lists (slug, name) VALUES ('wcn-all', 'scratch')");
    for (const bytes of mails)
      await callApp("/admin/v1/lists/wcn-all/messages", bindings, {
        method: "POST",
        headers: { "content-type": "message/rfc822", ...admin },
        body: bytes,
      });
    const [pick] = await q<{ root: string; added: number }>(
      `SELECT t.root_message_id root, count(*) FILTER (WHERE NOT (e.message_id = ANY($1::text[])))::int added
         FROM threads t JOIN thread_memberships m ON m.thread_id = t.id JOIN emails e ON e.id = m.email_id
         JOIN mailing_lists l ON l.id = t.mailing_list_id
        WHERE l.slug = 'wcn-all' AND t.root_message_id = ANY($1::text[])
        GROUP BY t.id ORDER BY added DESC, t.root_message_id LIMIT 1`,
      [[...firstHalf]],
    );
    expect(pick!.added).toBeGreaterThan(0);
    const [thread] = await q<{ id: number }>(
      "SELECT t.id::int id FROM threads t JOIN mailing_lists l ON l.id = t.mailing_list_id WHERE l.slug = 'wcn' AND t.root_message_id = $1",
      [pick!.root],
    );
    threadId = thread!.id;
    // the writer is the author of one reply the second half brings to that thread
    const [reply] = await q<{ email: string }>(
      `SELECT a.email FROM threads t JOIN thread_memberships m ON m.thread_id = t.id JOIN emails e ON e.id = m.email_id
         JOIN authors a ON a.id = e.author_id JOIN mailing_lists l ON l.id = t.mailing_list_id
        WHERE l.slug = 'wcn-all' AND t.root_message_id = $1 AND NOT (e.message_id = ANY($2::text[]))
        ORDER BY e.date LIMIT 1`,
      [pick!.root, [...firstHalf]],
    );
    writerAddress = reply!.email;
    for (const [name, email] of [
      ["watcher", "watcher@example.org"],
      ["muter", "muter@example.org"],
      ["writer", "writer-account@example.org"],
    ] as const) {
      const [u] = await q<{ id: number }>(
        "INSERT INTO users (auth_provider, email) VALUES ('local', $1) RETURNING id::int",
        [email],
      );
      users[name] = u!.id;
    }
    // the writer's list address is one of theirs (not their account's)
    await q("INSERT INTO user_email_addresses (user_id, email) VALUES ($1, $2)", [
      users.writer,
      writerAddress,
    ]);
    for (const [id, level] of [
      [users.watcher, "watch"],
      [users.muter, "mute"],
      [users.writer, "watch"],
    ] as const) {
      const res = await as(id, `/api/v1/users/me/follows/${threadId}`, {
        method: "PUT",
        body: JSON.stringify({ level }),
      });
      expect(res.status).toBe(200);
    }

    await ingest(mails.slice(20));
    const expected = (
      await q<{ message_id: string; email: string }>(
        `SELECT e.message_id, a.email FROM thread_memberships m JOIN emails e ON e.id = m.email_id
           JOIN authors a ON a.id = e.author_id WHERE m.thread_id = $1 AND NOT (e.message_id = ANY($2::text[]))`,
        [threadId, [...firstHalf]],
      )
    ).filter(Boolean);
    expect(expected.length).toBe(pick!.added);
    const ofUser = async (id: number, query = "") => {
      const res = await as(id, `/api/v1/users/me/notifications?pageSize=100${query}`);
      expect(res.status).toBe(200);
      return (await res.json()) as {
        data: { id: number; messageId: string; threadId: number }[];
        meta: { total: number };
      };
    };
    const watcher = await ofUser(users.watcher);
    expect(watcher.data.map((n) => n.messageId).sort()).toEqual(expected.map((e) => e.message_id).sort());
    expect(watcher.data.every((n) => n.threadId === threadId)).toBe(true);
    const writer = await ofUser(users.writer);
    expect(writer.data.map((n) => n.messageId).sort()).toEqual(
      expected
        .filter((e) => e.email !== writerAddress)
        .map((e) => e.message_id)
        .sort(),
    );
    expect(writer.data.length).toBeLessThan(expected.length);
    expect((await ofUser(users.muter)).data).toEqual([]);

    // the same mail again: duplicates, no notification more
    await ingest(mails.slice(20));
    expect((await ofUser(users.watcher)).meta.total).toBe(expected.length);

    // read up to a cursor: unread=true lists the rest, and the cursor table holds the newest read
    const newestFirst = watcher.data;
    const cursor = newestFirst[newestFirst.length - 1]!.id;
    const read = await as(users.watcher, "/api/v1/users/me/notifications/read", {
      method: "POST",
      body: JSON.stringify({ upTo: cursor }),
    });
    expect(await read.json()).toEqual({ data: { marked: 1 } });
    expect((await ofUser(users.watcher, "&unread=true")).meta.total).toBe(expected.length - 1);
    const [c] = await q<{ n: number }>(
      "SELECT count(*)::int n FROM notification_cursors WHERE user_id = $1 AND thread_id = $2",
      [users.watcher, threadId],
    );
    expect(c!.n).toBe(1);
  });

  it("follows need a signed-in user and a real thread", async () => {
    const anon = await callApp(`/api/v1/users/me/follows/${threadId}`, bindings, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ level: "watch" }),
    });
    expect(anon.status).toBe(401);
    const missing = await as(users.watcher, "/api/v1/users/me/follows/999999999", {
      method: "PUT",
      body: JSON.stringify({ level: "watch" }),
    });
    expect(missing.status).toBe(404);
    const bad = await as(users.watcher, `/api/v1/users/me/follows/${threadId}`, {
      method: "PUT",
      body: JSON.stringify({ level: "loud" }),
    });
    expect(bad.status).toBe(400);
    const list = await as(users.watcher, "/api/v1/users/me/follows");
    const body = (await list.json()) as { data: { threadId: number; level: string }[] };
    expect(body.data).toEqual([expect.objectContaining({ threadId, level: "watch" })]);
    expect(
      (await as(users.watcher, `/api/v1/users/me/follows/${threadId}`, { method: "DELETE" })).status,
    ).toBe(204);
  });
});
