import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { cachedDownload, downloadKey, keepDownload } from "../../functions/publicinbox/download-cache";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

/**
 * Thread downloads kept in the isolate (functions/publicinbox/download-cache.ts): served again only while the
 * thread has the same members, skipped with Cache-Control: no-cache. The test shares the Worker's isolate, so
 * it can look at the cache and plant an entry in it.
 */
const bindings = envWith("lore_download_cache");
const slug = "dl-cache";
const root = "root.1@dl-cache.example";

const message = (id: string, subject: string, inReplyTo?: string) =>
  [
    "From: A Person <a@dl-cache.example>",
    `To: ${slug}@example.org`,
    `Subject: ${subject}`,
    `Message-ID: <${id}>`,
    ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}>`] : []),
    "Date: Mon, 1 Jan 2024 00:00:00 +0000",
    "",
    `body of ${id}`,
    "",
  ].join("\n");

const ingest = async (raw: string) => {
  const res = await callApp(`/admin/v1/lists/${slug}/messages`, bindings, {
    method: "POST",
    headers: { "content-type": "message/rfc822", authorization: `Bearer ${bindings.ADMIN_TOKEN}` },
    body: raw,
  });
  expect(res.status, await res.clone().text()).toBe(200);
};

const download = async (headers: Record<string, string> = {}) => {
  const res = await callApp(`/${slug}/${root}/t.mbox.gz`, bindings, { headers });
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = await new Response(
    new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")),
  ).text();
  return { bytes, text };
};

const messageIds = (mbox: string) => [...mbox.matchAll(/^Message-ID: <([^>]+)>$/gm)].map((m) => m[1]);

beforeAll(async () => {
  const db = workerDatabase(bindings);
  await db.pool.query(
    `INSERT INTO mailing_lists (slug, name) VALUES ('${slug}', 'download cache') ON CONFLICT DO NOTHING`,
  );
  await db.end();
  await ingest(message(root, "[PATCH] one"));
  await ingest(message("reply.1@dl-cache.example", "Re: [PATCH] one", root));
});

describe("thread downloads kept in the isolate", () => {
  it("keeps a download once sent, and answers the same bytes from it", async () => {
    const first = await download();
    expect(messageIds(first.text)).toEqual([root, "reply.1@dl-cache.example"]);
    const entry = cachedDownload(downloadKey(slug, root));
    expect(entry?.emailIds.length).toBe(2);
    expect(new Uint8Array(entry!.body)).toEqual(first.bytes);
    expect((await download()).bytes).toEqual(first.bytes);
  });

  it("serves the kept entry while the members are the same, and skips it for Cache-Control: no-cache", async () => {
    const key = downloadKey(slug, root);
    const entry = cachedDownload(key)!;
    const planted = gzipSync("From mboxrd@z Thu Jan  1 00:00:00 1970\nMessage-ID: <planted@x>\n\n");
    keepDownload(key, { emailIds: entry.emailIds, filename: entry.filename, chunks: [planted] });
    expect(messageIds((await download()).text)).toEqual(["planted@x"]);
    const fresh = await download({ "cache-control": "no-cache" });
    expect(messageIds(fresh.text)).toEqual([root, "reply.1@dl-cache.example"]);
  });

  it("makes the download again when the thread has grown", async () => {
    const key = downloadKey(slug, root);
    const entry = cachedDownload(key)!;
    const planted = gzipSync("From mboxrd@z Thu Jan  1 00:00:00 1970\nMessage-ID: <planted@x>\n\n");
    keepDownload(key, { emailIds: entry.emailIds, filename: entry.filename, chunks: [planted] });
    await ingest(message("reply.2@dl-cache.example", "Re: [PATCH] one", root));
    const grown = await download();
    expect(messageIds(grown.text)).toEqual([root, "reply.1@dl-cache.example", "reply.2@dl-cache.example"]);
    expect(cachedDownload(key)?.emailIds.length).toBe(3);
  });
});
