import { beforeAll, describe, expect, inject, it } from "vitest";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

/** POST /admin/v1/lists/:slug/messages in the Workers runtime, on hostile and strange real mail. */
const bindings = envWith("ingest_http");
const auth = { authorization: `Bearer ${bindings.ADMIN_TOKEN}` };
const corpus = inject("ingestCorpus");
const fetchCorpus = async (name: string) =>
  new Uint8Array(await (await fetch(`${corpus.url}/${encodeURIComponent(name)}`)).arrayBuffer());

beforeAll(async () => {
  const db = workerDatabase(bindings);
  await db.pool.query(
    "INSERT INTO mailing_lists (slug, name) VALUES ('ingest-http', 'HTTP ingest') ON CONFLICT DO NOTHING",
  );
  await db.end();
});

const post = (body: BodyInit, type: string, headers: Record<string, string> = auth, slug = "ingest-http") =>
  callApp(`/admin/v1/lists/${slug}/messages`, bindings, {
    method: "POST",
    headers: { "content-type": type, ...headers },
    body,
  });

interface IngestBody {
  data: {
    received: number;
    stored: number;
    duplicates: number;
    rejected: number;
    outcomes: { status: string; reason?: string; messageId: string | null }[];
  };
}

describe("HTTP ingest: security and bounds", () => {
  it("401 without the bearer token", async () => {
    const res = await post("From: a@b\n\nx", "message/rfc822", {});
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });
  it("415 for other content types", async () => {
    expect((await post("x", "text/plain")).status).toBe(415);
  });
  it("404 for an unknown list", async () => {
    expect((await post("From: a@b\n\nx", "message/rfc822", auth, "no-such-list")).status).toBe(404);
  });
  it("413 beyond the size bound", async () => {
    const big = new Uint8Array(26 * 1024 * 1024).fill(0x61);
    const res = await post(big, "message/rfc822");
    expect(res.status).toBe(413);
  });
});

describe("HTTP ingest: patchwork fuzz, mime and hyperkitty never give a 500", () => {
  it("has the corpus", () => expect(corpus.files.length).toBe(17 + 15 + 14));
  it.each(corpus.files.map((f) => [f.name, f] as const))("%s", async (_name, file) => {
    const res = await post(await fetchCorpus(file.name), file.type);
    const body = (await res.json()) as IngestBody;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data.outcomes.length).toBeGreaterThan(0);
    for (const o of body.data.outcomes) {
      expect(["stored", "duplicate", "rejected"]).toContain(o.status);
      if (o.status === "rejected") expect(o.reason).toBeTruthy();
    }
  });
  it("posting the same message again stores nothing", async () => {
    const file = corpus.files.find((f) => f.name.endsWith("payload-utf8.txt"))!;
    const body = (await (await post(await fetchCorpus(file.name), file.type)).json()) as IngestBody;
    expect(body.data.stored).toBe(0);
    expect(body.data.duplicates).toBe(1);
  });
});

describe("HTTP ingest: one message the database refuses does not take the mbox down", () => {
  const message = (n: number, subject: string) =>
    `From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: Poster <poster@example.org>\nSubject: ${subject}\n` +
    `Date: Mon, 1 Jun 2026 10:0${n}:00 +0000\nMessage-ID: <resilient-${n}@example.org>\n\nText ${n}.\n\n`;
  it("stores the rest and names the refused one with the database's reason", async () => {
    const db = workerDatabase(bindings);
    await db.pool.query(
      "INSERT INTO mailing_lists (slug, name) VALUES ('resilient', 'Resilient') ON CONFLICT DO NOTHING",
    );
    // a constraint of this test's database: real Postgres refusing one real message of the batch
    await db.pool.query(
      "ALTER TABLE emails ADD CONSTRAINT test_refuses CHECK (subject NOT LIKE '%REFUSE-ME%')",
    );
    await db.end();
    const mbox = [
      message(1, "[PATCH v0] zero is a version"),
      message(2, "plain"),
      message(3, "REFUSE-ME please"),
      message(4, "[PATCH 1/0] numbered from nothing"),
      message(5, "last"),
    ].join("");
    const res = await post(mbox, "application/mbox", auth, "resilient");
    const body = (await res.json()) as IngestBody & { data: { rejectedByReason: Record<string, number> } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data).toMatchObject({
      received: 5,
      stored: 4,
      rejected: 1,
      rejectedByReason: { "database 23514 test_refuses": 1 },
    });
    const refused = body.data.outcomes.filter((o) => o.status === "rejected");
    expect(refused).toEqual([expect.objectContaining({ index: 2, messageId: "resilient-3@example.org" })]);
    expect(refused[0]!.reason).toMatch(/violates check constraint "test_refuses"/);
  });
});
