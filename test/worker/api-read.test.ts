import { beforeAll, describe, expect, inject, it } from "vitest";
import { callApp, envWith } from "../helpers/worker";

/** The read API on the real kgdb-bugreport epoch, imported by test/setup/kgdb-corpus.ts. */

const facts = inject("kgdb");
const env = envWith(facts.database);
const L = `/api/v1/lists/${facts.slug}`;

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field
async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await callApp(path, env);
  return { status: res.status, body: await res.json() };
}

function expectError(
  r: { status: number; body: { error?: { code: string } } },
  status: number,
  code: string,
) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error?.code).toBe(code);
}

describe("lists", () => {
  it("lists the archive and counts every imported message", async () => {
    const lists = await get("/api/v1/lists");
    expect(lists.status).toBe(200);
    expect(lists.body.data.map((l: { slug: string }) => l.slug)).toEqual([facts.slug]);
    expect(lists.body.meta).toEqual({ page: 1, pageSize: 25, total: 1 });

    const stats = await get(`${L}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body.data.emailCount).toBe(facts.imported);
    expect(stats.body.data.emailCount).toBe(facts.messages);
    expect(stats.body.data.threadCount).toBeGreaterThan(100);
    const perYear = stats.body.data.emailsPerYear.reduce(
      (n: number, y: { emailCount: number }) => n + y.emailCount,
      0,
    );
    expect(perYear).toBe(facts.messages);
    // dianders is the busiest sender of this list (raw From headers)
    expect(stats.body.data.topAuthors[0]).toMatchObject({
      email: "dianders@chromium.org",
      emailCount: facts.fromAddress.length,
    });

    const all = await get("/api/v1/lists/stats");
    expect(all.body.data[0]).toMatchObject({ slug: facts.slug, emailCount: facts.messages });
    expect((await get(L)).body.data.slug).toBe(facts.slug);
  });

  it("answers 404 for an unknown list on every list route", async () => {
    for (const path of [
      "",
      "/stats",
      "/threads",
      "/threads/1",
      "/emails",
      "/emails/1",
      "/series/1",
      "/search?q=x",
    ]) {
      expectError(await get(`/api/v1/lists/no-such-list${path}`), 404, "not_found");
    }
  });
});

describe("threads", () => {
  it("pages through every thread exactly once in a stable order", async () => {
    const first = await get(`${L}/threads?pageSize=100&sort=startDate&order=asc`);
    const total = first.body.meta.total;
    const ids: number[] = [];
    for (let page = 1; (page - 1) * 100 < total; page++) {
      const r = await get(`${L}/threads?pageSize=100&page=${page}&sort=startDate&order=asc`);
      ids.push(...r.body.data.map((t: { id: number }) => t.id));
      const dates = r.body.data.map((t: { startDate: string }) => t.startDate);
      expect([...dates].sort()).toEqual(dates);
    }
    expect(ids.length).toBe(total);
    expect(new Set(ids).size).toBe(total);
    const beyond = await get(`${L}/threads?pageSize=100&page=${Math.ceil(total / 100) + 1}`);
    expect(beyond.body.data).toEqual([]);
    expect(beyond.body.meta.total).toBe(total);
  });

  it("sorts by message count and filters by patches, dates and author", async () => {
    const big = await get(`${L}/threads?sort=messageCount&pageSize=5`);
    const counts = big.body.data.map((t: { messageCount: number }) => t.messageCount);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);

    const patches = await get(`${L}/threads?hasPatches=true&pageSize=100`);
    expect(patches.body.data.every((t: { hasPatches: boolean }) => t.hasPatches)).toBe(true);
    const none = await get(`${L}/threads?hasPatches=false&pageSize=1`);
    const all = await get(`${L}/threads?pageSize=1`);
    expect(patches.body.meta.total + none.body.meta.total).toBe(all.body.meta.total);

    const may = await get(`${L}/threads?since=2020-05-01&until=2020-05-31&pageSize=100`);
    expect(may.body.meta.total).toBeGreaterThan(0);
    for (const t of may.body.data) {
      expect(t.lastDate >= "2020-05-01").toBe(true);
      expect(t.startDate < "2020-06-01").toBe(true);
    }

    const byAuthor = await get(`${L}/threads?author=dianders@chromium.org&pageSize=100`);
    expect(byAuthor.body.meta.total).toBeGreaterThan(10);
    expect(byAuthor.body.meta.total).toBeLessThan(all.body.meta.total);
  });

  it("returns a thread as a tree: parents before children, depths consistent, phantoms marked", async () => {
    const top = await get(`${L}/threads?sort=messageCount&pageSize=1`);
    const id = top.body.data[0].id;
    const t = await get(`${L}/threads/${id}`);
    expect(t.status).toBe(200);
    const messages = t.body.data.messages;
    expect(messages.filter((m: { phantom: boolean }) => !m.phantom).length).toBe(t.body.data.messageCount);
    const depthOf = new Map<string, number>();
    for (const m of messages) {
      if (m.parentMessageId === null) expect(m.depth).toBe(0);
      else expect(m.depth).toBe(depthOf.get(m.parentMessageId)! + 1);
      depthOf.set(m.messageId, m.depth);
      if (m.phantom) expect(m.emailId).toBeNull();
      else expect(m.author.email).toContain("@");
    }
    expect(messages.some((m: { patch: unknown }) => m.patch !== null)).toBe(true);
    expectError(await get(`${L}/threads/999999999`), 404, "not_found");
  });
});

describe("emails and messages", () => {
  let sampleId: number;

  beforeAll(async () => {
    const r = await get(`/api/v1/messages/${encodeURIComponent(facts.sample.messageId)}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    sampleId = r.body.data.id;
  });

  it("finds a message by Message-ID (with or without <>) with its list and thread", async () => {
    const r = await get(`/api/v1/messages/${encodeURIComponent(`<${facts.sample.messageId}>`)}`);
    expect(r.status).toBe(200);
    expect(r.body.data.list).toBe(facts.slug);
    expect(r.body.data.threadId).toEqual(expect.any(Number));
    // The raw Subject header, unfolded, is what the API shows.
    expect(r.body.data.subject).toBe(facts.sample.subject.replace(/\s+/g, " ").trim());
    expectError(await get("/api/v1/messages/no-such-message@example.com"), 404, "not_found");
    expectError(await get("/api/v1/messages/%20"), 400, "bad_request");
  });

  it("shows headers, body, recipients, references and patch metadata", async () => {
    const r = await get(`${L}/emails/${sampleId}`);
    expect(r.status).toBe(200);
    const e = r.body.data;
    expect(e.headers.messageId).toBe(facts.sample.messageId);
    expect(e.body.length).toBeGreaterThan(0);
    expect(e.headers.references.length).toBeGreaterThan(0);
    expect(e.headers.to.length + e.headers.cc.length).toBeGreaterThan(0);

    const patch = await get(`${L}/emails?hasPatches=true&pageSize=1`);
    const p = await get(`${L}/emails/${patch.body.data[0].id}`);
    expect(p.body.data.patchMetadata.files.length).toBeGreaterThan(0);
    expect(Array.isArray(p.body.data.trailers)).toBe(true);
    expectError(await get(`${L}/emails/999999999`), 404, "not_found");
  });

  it("lists a list's messages newest first, with author and date filters", async () => {
    const all = await get(`${L}/emails?pageSize=100`);
    expect(all.body.meta.total).toBe(facts.messages);
    const dates = all.body.data.map((e: { date: string }) => e.date);
    expect([...dates].sort().reverse()).toEqual(dates);
    const mine = await get(
      `${L}/emails?author=${facts.fromAddress.length && "dianders@chromium.org"}&pageSize=1`,
    );
    expect(mine.body.meta.total).toBe(facts.fromAddress.length);
    const may = await get(`${L}/emails?since=2020-05-01&until=2020-05-31&pageSize=1`);
    expect(may.body.meta.total).toBe(facts.month.length);
  });
});

describe("authors", () => {
  it("finds authors by a misspelt name and ranks by activity", async () => {
    const fuzzy = await get("/api/v1/authors?q=Dougl%20Andersn");
    expect(fuzzy.status).toBe(200);
    expect(fuzzy.body.data[0].email).toMatch(/dianders@/);
    const busiest = await get("/api/v1/authors?pageSize=3");
    const counts = busiest.body.data.map((a: { emailCount: number }) => a.emailCount);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    expect(busiest.body.data[0].email).toBe("dianders@chromium.org");
  });

  it("shows aliases, per-list activity, emails and threads of an author", async () => {
    const found = await get("/api/v1/authors?q=dianders@chromium.org&pageSize=1");
    const id = found.body.data[0].id;
    const a = await get(`/api/v1/authors/${id}`);
    expect(a.status).toBe(200);
    expect(a.body.data.aliases.length).toBeGreaterThan(0);
    expect(a.body.data.lists[0]).toMatchObject({ slug: facts.slug, emailCount: facts.fromAddress.length });

    const emails = await get(`/api/v1/authors/${id}/lists/${facts.slug}/emails?pageSize=5`);
    expect(emails.body.meta.total).toBe(facts.fromAddress.length);
    expect(emails.body.data.every((e: { author: { id: number } }) => e.author.id === id)).toBe(true);

    const started = await get(`/api/v1/authors/${id}/lists/${facts.slug}/threads-started?pageSize=100`);
    const participated = await get(
      `/api/v1/authors/${id}/lists/${facts.slug}/threads-participated?pageSize=1`,
    );
    expect(started.body.meta.total).toBeGreaterThan(0);
    expect(participated.body.meta.total).toBeGreaterThanOrEqual(started.body.meta.total);
    expect(started.body.data.every((t: { starter: { id: number } }) => t.starter.id === id)).toBe(true);

    expectError(await get("/api/v1/authors/999999999"), 404, "not_found");
    expectError(await get(`/api/v1/authors/999999999/lists/${facts.slug}/emails`), 404, "not_found");
  });
});

describe("series", () => {
  it("shows every version of a series with patches in order and trailer tallies", async () => {
    // A multi-version series of this list: the v4 kgdboc_earlycon work by Douglas Anderson.
    const s = await get(
      `/api/v1/search?q=${encodeURIComponent('s:"kgdboc_earlycon" s:v4')}&list=${facts.slug}`,
    );
    const hit = s.body.data
      .flatMap((g: { hits: { seriesId: number | null }[] }) => g.hits)
      .find((h: { seriesId: number | null }) => h.seriesId !== null);
    expect(hit, JSON.stringify(s.body)).toBeDefined();
    const r = await get(`${L}/series/${hit.seriesId}`);
    expect(r.status).toBe(200);
    const versions = r.body.data.versions;
    expect(versions.length).toBeGreaterThan(1);
    expect(versions.map((v: { version: number }) => v.version)).toEqual(
      [...versions.map((v: { version: number }) => v.version)].sort((a, b) => a - b),
    );
    for (const v of versions) {
      const numbers = v.patches.map((p: { number: number }) => p.number);
      expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    }
    type Tally = Record<"reviewedBy" | "ackedBy" | "testedBy", unknown[]>;
    const tallied = versions.flatMap((v: { patches: { trailers: Tally }[] }) =>
      v.patches.flatMap((p) => [...p.trailers.reviewedBy, ...p.trailers.ackedBy, ...p.trailers.testedBy]),
    );
    expect(tallied.length).toBeGreaterThan(0);
    expectError(await get(`${L}/series/999999999`), 404, "not_found");
  });
});

describe("bad parameters are 400s", () => {
  it.each([
    `${L}/threads?page=0`,
    `${L}/threads?page=abc`,
    `${L}/threads?pageSize=101`,
    `${L}/threads?pageSize=-1`,
    `${L}/threads?sort=bogus`,
    `${L}/threads?hasPatches=maybe`,
    `${L}/threads?since=2024-13-45`,
    `${L}/threads/abc`,
    `${L}/threads/99999999999999999999`,
    `${L}/emails/1.5`,
    "/api/v1/authors?sort=size",
    "/api/v1/authors/0",
  ])("%s", async (path) => {
    expectError(await get(path), 400, "bad_request");
  });
});

describe("OpenAPI", () => {
  it("documents every read route from the route definitions", async () => {
    const doc = await get("/api/v1/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    for (const path of [
      "/lists",
      "/lists/{slug}/threads/{id}",
      "/messages/{messageId}",
      "/authors/{id}/lists/{slug}/threads-participated",
      "/lists/{slug}/series/{seriesId}",
      "/lists/{slug}/search",
      "/search",
    ]) {
      expect(doc.body.paths[path], path).toBeDefined();
    }
    const pageSize = doc.body.paths["/lists/{slug}/threads"].get.parameters.find(
      (p: { name: string }) => p.name === "pageSize",
    );
    expect(pageSize.schema.maximum).toBe(100);
    const page = await callApp("/api/docs", env);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/api/v1/openapi.json");
  });
});
