import { beforeAll, describe, expect, it } from "vitest";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

/**
 * Search answers kept in the isolate (functions/search/result-cache.ts): given again only while the database's
 * snapshot is the same (nothing written since), never for another database, never with Cache-Control: no-cache,
 * and never for relative dates.
 */
const bindings = envWith("search_cache");
const other = envWith("search_cache_other");
const slug = "cache";

const message = (n: number, subject: string) =>
  [
    "From: A Person <a@cache.example>",
    `To: ${slug}@example.org`,
    `Subject: ${subject}`,
    `Message-ID: <m${n}@cache.example>`,
    `Date: Mon, ${n} Jan 2024 00:00:00 +0000`,
    "",
    `the zanzibar body of message ${n}`,
    "",
  ].join("\n");

const ingest = async (env: typeof bindings, n: number, subject: string) => {
  const res = await callApp(`/admin/v1/lists/${slug}/messages`, env, {
    method: "POST",
    headers: { "content-type": "message/rfc822", authorization: `Bearer ${env.ADMIN_TOKEN}` },
    body: message(n, subject),
  });
  expect(res.status, await res.clone().text()).toBe(200);
};

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field
async function search(query: string, env = bindings, headers: Record<string, string> = {}): Promise<any> {
  const res = await callApp(`/api/v1/lists/${slug}/search?${query}`, env, { headers });
  expect(res.status).toBe(200);
  return res.json();
}

/** One statement on a database of the test's, through the Worker's own client. */
async function sql(env: typeof bindings, text: string) {
  const db = workerDatabase(env);
  try {
    await db.pool.query(text);
  } finally {
    await db.end();
  }
}

/**
 * Asks until an answer comes from the cache (at most 10 times): on a native server the snapshot is the whole
 * cluster's, so a test file writing to its own database at the same moment moves it too.
 */
async function keptAfterAsking(query: string, env = bindings): Promise<boolean> {
  for (let i = 0; i < 10; i++) if ((await search(query, env)).meta.cached) return true;
  return false;
}

beforeAll(async () => {
  for (const env of [bindings, other]) {
    await sql(
      env,
      `INSERT INTO mailing_lists (slug, name) VALUES ('${slug}', 'search cache') ON CONFLICT DO NOTHING`,
    );
  }
  await ingest(bindings, 1, "first zanzibar");
  await ingest(bindings, 2, "second zanzibar");
  await ingest(other, 1, "elsewhere zanzibar");
});

describe("search answers kept in the isolate", () => {
  it("gives the same answer again while nothing is written, then searches again", async () => {
    const first = await search("q=zanzibar&sort=date");
    expect(first.meta.cached).toBe(false);
    expect(first.data).toHaveLength(2);
    expect(await keptAfterAsking("q=zanzibar&sort=date")).toBe(true);
    const again = await search("q=zanzibar&sort=date");
    expect(again.data).toEqual(first.data);
    // another page, order or mode is another search
    expect((await search("q=zanzibar")).meta.cached).toBe(false);
    expect((await search("q=zanzibar&pageSize=1")).meta.cached).toBe(false);
    // a write anywhere (here only a transaction id taken and ended) moves the snapshot: searched again
    await sql(bindings, "SELECT txid_current()");
    expect((await search("q=zanzibar&sort=date")).meta.cached).toBe(false);
    // new mail is found at once
    await ingest(bindings, 3, "third zanzibar");
    const after = await search("q=zanzibar&sort=date");
    expect(after.meta.cached).toBe(false);
    expect(after.data.map((r: { thread: { subject: string } }) => r.thread.subject)).toEqual([
      "third zanzibar",
      "second zanzibar",
      "first zanzibar",
    ]);
  });

  it("asks the database for Cache-Control: no-cache, and keeps that answer", async () => {
    expect(await keptAfterAsking("q=body")).toBe(true);
    expect((await search("q=body", bindings, { "cache-control": "no-cache" })).meta.cached).toBe(false);
    expect(await keptAfterAsking("q=body")).toBe(true);
  });

  it("keeps each database's answers apart, and never keeps relative dates", async () => {
    expect(await keptAfterAsking("q=zanzibar&sort=date")).toBe(true);
    const elsewhere = await search("q=zanzibar&sort=date", other);
    expect(elsewhere.meta.cached).toBe(false);
    expect(elsewhere.data.map((r: { thread: { subject: string } }) => r.thread.subject)).toEqual([
      "elsewhere zanzibar",
    ]);
    expect(await keptAfterAsking(`q=${encodeURIComponent("zanzibar d:1.year.ago..")}`)).toBe(false);
  });

  it("serves the search page from the same answers", async () => {
    const kept = async () => {
      for (let i = 0; i < 10; i++) {
        const res = await callApp(`/${slug}/?q=zanzibar`, bindings, { headers: { accept: "text/html" } });
        const html = await res.text();
        expect(html).toContain("third zanzibar");
        if (html.includes('data-cached="true"')) return true;
      }
      return false;
    };
    expect(await kept()).toBe(true);
  });
});
