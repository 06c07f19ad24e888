import { beforeAll, describe, expect, inject, it } from "vitest";
import { escapeMessageId } from "../../functions/publicinbox/message-id-path";
import { QUERY_LIMITS, QUERY_PREFIXES } from "../../functions/search/query-parser";
import { callApp, envWith } from "../helpers/worker";

/**
 * The public-inbox face in the Workers runtime, on the real kgdb epoch (test/setup/kgdb-corpus.ts): its
 * routing, redirects, placeholder pages, help text, and that bad input is a short text/plain 4xx, never a 5xx.
 * Byte-for-byte and b4/lei behaviour are compared with public-inbox itself in test/peers.
 */

const facts = inject("kgdb");
const env = envWith(facts.database);
const list = facts.slug;
const mid = facts.sample.messageId;

const call = (path: string, init?: RequestInit) => callApp(path, env, { redirect: "manual", ...init });

describe("lore URLs", () => {
  beforeAll(async () => {
    // warm the isolate and the readiness cache
    await call(`/${list}/`);
  });

  it("serves /raw as mboxrd text/plain, for the escaped and the unescaped Message-ID alike", async () => {
    const plain = await call(`/${list}/${escapeMessageId(mid)}/raw`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toMatch(/^text\/plain; charset=/);
    const body = await plain.text();
    expect(body.startsWith("From mboxrd@z Thu Jan  1 00:00:00 1970\n")).toBe(true);
    expect(body).toContain(`<${mid}>`);
    const escaped = await call(`/${list}/${encodeURIComponent(mid)}/raw`);
    expect(await escaped.text()).toBe(body);
    const bracketed = await call(`/${list}/${encodeURIComponent(`<${mid}>`)}/raw`);
    expect(await bracketed.text()).toBe(body);
  });

  it("redirects /:list/:mid to the slashed page, /:mid/ and /all/:mid/ to the list holding it", async () => {
    const slashless = await call(`/${list}/${escapeMessageId(mid)}`);
    expect(slashless.status).toBe(301);
    expect(slashless.headers.get("location")).toBe(`http://nexus/${list}/${escapeMessageId(mid)}/`);
    for (const path of [`/${escapeMessageId(mid)}/`, `/all/${escapeMessageId(mid)}/`]) {
      const res = await call(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get("location"), path).toBe(`http://nexus/${list}/${escapeMessageId(mid)}/`);
      const head = await call(path, { method: "HEAD" });
      expect(head.status, `HEAD ${path}`).toBe(302);
    }
  });

  it("/all/ answers raw and t.mbox.gz across lists like the list itself", async () => {
    for (const end of ["raw", "t.mbox.gz"]) {
      const one = await call(`/${list}/${escapeMessageId(mid)}/${end}`);
      const all = await call(`/all/${escapeMessageId(mid)}/${end}`);
      expect(all.status, end).toBe(200);
      const bytes = async (r: Response) =>
        end === "raw"
          ? new Uint8Array(await r.arrayBuffer())
          : new Uint8Array(
              await new Response(r.body!.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer(),
            );
      expect(await bytes(all), end).toEqual(await bytes(one));
    }
  });

  it("/all/ searches every list: the same download as the list's, and its Atom", async () => {
    const q = `/?q=${encodeURIComponent("s:kgdboc")}&x=m`;
    const inflate = async (r: Response) =>
      new Response(r.body!.pipeThrough(new DecompressionStream("gzip"))).text();
    const one = await call(`/${list}${q}`, { method: "POST", body: "" });
    const all = await call(`/all${q}`, { method: "POST", body: "" });
    expect(all.status).toBe(200);
    expect(await inflate(all)).toBe(await inflate(one));
    const atom = await call(`/all/?q=${encodeURIComponent("s:kgdboc")}&x=A`);
    expect(atom.status).toBe(200);
    expect(atom.headers.get("content-type")).toMatch(/^application\/atom\+xml/);
    expect((await atom.text()).split("<entry>").length - 1).toBe(Math.min(200, facts.subjectWord.length));
  });

  it("answers the HTML paths with a placeholder page that links the raw, mbox and Atom forms", async () => {
    for (const path of [
      `/${list}/`,
      `/${list}/${escapeMessageId(mid)}/`,
      `/${list}/${escapeMessageId(mid)}/T/`,
      `/${list}/${escapeMessageId(mid)}/t/`,
    ]) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html, path).toMatch(/t\.mbox\.gz|new\.atom/);
    }
    const page = await (await call(`/${list}/${escapeMessageId(mid)}/`)).text();
    expect(page).toContain(`href="/${list}/${escapeMessageId(mid)}/raw"`);
  });

  it("prints the search help from the parser's own table of prefixes", async () => {
    const res = await call(`/${list}/_/text/help/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const p of QUERY_PREFIXES) expect(text).toContain(`  ${p.name}:`);
    for (const p of QUERY_PREFIXES) expect(text).toContain(p.help);
  });

  it("downloads a search as gzipped mboxrd by POST, and says No results found when nothing matches", async () => {
    const res = await call(`/${list}/?q=${encodeURIComponent("s:kgdboc")}&x=m`, { method: "POST", body: "" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/gzip");
    const mbox = await new Response(res.body!.pipeThrough(new DecompressionStream("gzip"))).text();
    const count = mbox.split(/^From mboxrd@z /m).length - 1;
    expect(count).toBe(facts.subjectWord.length);
    // whole threads: t=1 in the query string or in the form body (z=… as public-inbox's form sends it)
    const messages = async (init: RequestInit, extra = "") => {
      const r = await call(`/${list}/?q=${encodeURIComponent("s:kgdboc")}&x=m${extra}`, init);
      const text = await new Response(r.body!.pipeThrough(new DecompressionStream("gzip"))).text();
      return text.split(/^From mboxrd@z /m).length - 1;
    };
    const threads = await messages({ method: "POST", body: "" }, "&t=1");
    expect(threads).toBeGreaterThan(count);
    expect(await messages({ method: "POST", body: "z=s%3Akgdboc&t=1" })).toBe(threads);
    const none = await call(`/${list}/?q=zzqqxxnothing&x=m`, { method: "POST", body: "" });
    expect(none.status).toBe(404);
    expect(await none.text()).toBe("No results found\n");
  });
});

describe("bad requests are short text/plain 4xx, never 5xx", () => {
  const cases: [string, RequestInit | undefined, number][] = [
    [`/${list}/%E0%A4%A/raw`, undefined, 400], // a broken escape
    [`/${list}/${encodeURIComponent("a b@c")}/raw`, undefined, 400], // blanks are not in Message-IDs
    [`/${list}/${"x".repeat(1200)}@y/raw`, undefined, 400],
    [`/${list}/no-such-message@example.invalid/raw`, undefined, 404],
    [`/${list}/no-such-message@example.invalid/t.mbox.gz`, undefined, 404],
    [`/${list}/no-such-message@example.invalid/t.atom`, undefined, 404],
    ["/no-such-list/", undefined, 404],
    [`/no-such-list/${escapeMessageId(mid)}/raw`, undefined, 404],
    [`/${list}/_/nothing`, undefined, 404],
    ["/no-such-message@example.invalid/", undefined, 404],
    [`/${list}/?q=${"a".repeat(QUERY_LIMITS.maxLength + 1)}&x=A`, undefined, 400],
    [`/${list}/?q=${encodeURIComponent('"unclosed')}&x=A`, undefined, 400],
    [`/${list}/?q=${encodeURIComponent("tc:x")}&x=m`, { method: "POST", body: "" }, 400],
    [`/${list}/`, { method: "POST", body: "" }, 404],
    [`/${list}/${escapeMessageId(mid)}/raw`, { method: "POST", body: "" }, 405],
    [`/${list}/${escapeMessageId(mid)}/raw`, { method: "DELETE" }, 405],
    [`/${list}/new.atom`, { method: "PUT", body: "x" }, 405],
  ];
  it.each(cases)("%s (%o) → %i", async (path, init, status) => {
    const res = await call(path, init);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text.length).toBeLessThan(300);
    expect(text.trim()).not.toBe("");
    if (status === 405) expect(res.headers.get("allow")).toMatch(/GET/);
  });

  it("leaves /api and /admin to the JSON faces", async () => {
    const res = await call("/api/v1/no-such-route");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/json/);
  });
});

describe("the readiness gate holds for the lore face", () => {
  it("answers 503 while migrations are pending", async () => {
    const pending = envWith("fresh_lore_pending");
    for (const path of [`/${list}/`, `/${list}/${escapeMessageId(mid)}/raw`, `/${escapeMessageId(mid)}/`]) {
      const res = await callApp(path, pending, { redirect: "manual" });
      expect(res.status, path).toBe(503);
    }
  });
});
