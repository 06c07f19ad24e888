import { describe, expect, inject, it } from "vitest";
import { callApp, envWith, workerDatabase } from "../helpers/worker";

/**
 * Search on the real kgdb-bugreport epoch. Expected answers come from the raw mail (test/setup/kgdb-corpus.ts
 * reads the headers and diff lines of every original message), not from the importer's parse.
 */

const facts = inject("kgdb");
const env = envWith(facts.database);

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field
async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await callApp(path, env);
  return { status: res.status, body: await res.json() };
}

interface Hit {
  id: number;
  messageId: string;
  subject: string;
  date: string;
  snippet: string;
  matched: string[];
  scores: Record<string, unknown>;
}
interface Result {
  thread: { id: number; list: string };
  hitCount: number;
  hits: Hit[];
}

/** Every page of a search: the threads, the shown hits and the number of matching messages. */
async function searchAll(q: string, extra = "") {
  const results: Result[] = [];
  for (let page = 1; page < 50; page++) {
    const r = await get(
      `/api/v1/lists/${facts.slug}/search?q=${encodeURIComponent(q)}&pageSize=100&page=${page}${extra}`,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    if (r.body.data.length === 0) break;
    results.push(...r.body.data);
  }
  const hits = results.flatMap((r) => r.hits);
  return { results, hits, messages: results.reduce((n, r) => n + r.hitCount, 0) };
}

describe("known queries against the raw mail", () => {
  it("a subject word: s:kgdboc finds exactly the messages whose Subject has the word", async () => {
    const { hits, messages, results } = await searchAll("s:kgdboc");
    expect(facts.subjectWord.length).toBeGreaterThan(20);
    expect(messages).toBe(facts.subjectWord.length);
    const expected = new Set(facts.subjectWord);
    for (const h of hits) expect(expected.has(h.messageId), h.subject).toBe(true);
    // grouped by thread: each thread once
    expect(new Set(results.map((r) => r.thread.id)).size).toBe(results.length);
    expect(hits[0]!.matched).toContain("subject");
  });

  it("free text also finds the word in bodies, ranked subject matches first", async () => {
    const { messages, hits } = await searchAll("kgdboc");
    expect(messages).toBeGreaterThan(facts.subjectWord.length);
    expect(hits[0]!.matched).toContain("subject");
    expect(hits.some((h) => h.snippet.includes("<mark>"))).toBe(true);
    // a hit whose body has the word shows it marked; one matched elsewhere shows the body's opening words
    const inBody = hits.filter((h) => h.matched.includes("body"));
    const elsewhere = hits.filter((h) => !h.matched.includes("body"));
    expect(inBody.length).toBeGreaterThan(10);
    expect(elsewhere.length).toBeGreaterThan(0);
    const marked = inBody.filter((h) => /<mark>kgdboc<\/mark>/i.test(h.snippet));
    expect(marked.length / inBody.length).toBeGreaterThan(0.9);
    for (const h of elsewhere) {
      expect(h.snippet).not.toContain("<mark>");
      expect(h.snippet.length).toBeGreaterThan(0);
      expect(h.snippet.length).toBeLessThanOrEqual(240 * 6); // HTML escapes at most sixfold
      expect(h.snippet).not.toMatch(/\s\s/);
    }
  });

  it("sort=date: the same threads newest first, as lore lists them, nothing ranked", async () => {
    const ranked = await searchAll("kgdboc");
    const { results, hits, messages } = await searchAll("kgdboc", "&sort=date");
    expect(messages).toBe(ranked.messages);
    expect(new Set(results.map((r) => r.thread.id))).toEqual(new Set(ranked.results.map((r) => r.thread.id)));
    // threads by their newest hit, each thread's hits newest first
    const newest = results.map((r) => r.hits[0]!.date);
    expect(newest).toEqual([...newest].sort().reverse());
    for (const r of results)
      expect(r.hits.map((h) => h.date)).toEqual(
        r.hits
          .map((h) => h.date)
          .sort()
          .reverse(),
      );
    expect(hits.every((h) => Object.keys(h.scores).length === 0)).toBe(true);
    expect(hits.filter((h) => /<mark>kgdboc<\/mark>/i.test(h.snippet)).length).toBeGreaterThan(10);
    const first = await get(`/api/v1/lists/${facts.slug}/search?q=kgdboc&sort=date`);
    expect(first.body.meta.sort).toBe("date");
    expect(first.body.data[0].score).toBeNull();
    // the other modes always rank
    const fuzzy = await get(`/api/v1/lists/${facts.slug}/search?q=kgdboc&mode=fuzzy&sort=date`);
    expect(fuzzy.body.meta.sort).toBe("relevance");
    expect((await get(`/api/v1/lists/${facts.slug}/search?q=kgdboc&sort=oldest`)).status).toBe(400);
  });

  it("an author: f: matches the From address", async () => {
    const { messages, hits } = await searchAll("f:dianders@chromium.org");
    expect(messages).toBe(facts.fromAddress.length);
    const expected = new Set(facts.fromAddress);
    for (const h of hits) expect(expected.has(h.messageId)).toBe(true);
  });

  it("recipients and ids: t: To, c: Cc, a: any address, m: Message-ID", async () => {
    expect(facts.toRecipient.length).toBeGreaterThan(10);
    expect((await searchAll("t:daniel.thompson@linaro.org")).messages).toBe(facts.toRecipient.length);
    // c: and a: alone match more than the 1,000-message candidate cap: check them within a month
    const month = new Set(facts.month);
    for (const [prefix, ids] of [
      ["c", facts.ccRecipient],
      ["a", facts.anyAddress],
    ] as const) {
      const inMonth = ids.filter((id) => month.has(id));
      expect(inMonth.length).toBeGreaterThan(10);
      const found = await searchAll(`${prefix}:daniel.thompson@linaro.org d:20200501..20200531`);
      expect(found.messages, prefix).toBe(inMonth.length);
      expect(ids.length).toBeGreaterThan(1000);
      const capped = await get(`/api/v1/lists/${facts.slug}/search?q=${prefix}:daniel.thompson@linaro.org`);
      expect(capped.body.meta.capped).toBe(true);
    }
    const one = await searchAll(`m:<${facts.sample.messageId}>`);
    expect(one.hits.map((h) => h.messageId)).toEqual([facts.sample.messageId]);
  });

  it("a file path in a diff: dfn: by full path and by file name", async () => {
    const full = await searchAll("dfn:kernel/debug/kdb/kdb_main.c");
    expect(facts.filePath.length).toBeGreaterThan(10);
    expect(full.messages).toBe(facts.filePath.length);
    const expected = new Set(facts.filePath);
    for (const h of full.hits) expect(expected.has(h.messageId)).toBe(true);
    const name = await searchAll("dfn:kdb_main.c");
    expect(name.messages).toBe(facts.filePath.length);
    const dir = await searchAll("dfn:kernel/debug/kdb");
    expect(dir.messages).toBeGreaterThan(facts.filePath.length);
  });

  it("a date range: d: selects by the Date header", async () => {
    const { messages, hits } = await searchAll("d:20200501..20200531");
    expect(messages).toBe(facts.month.length);
    for (const h of hits) expect(h.date >= "2020-05-01" && h.date < "2020-06-01").toBe(true);
    const open = await searchAll("d:2020-05-01.. d:..2020-05-31");
    expect(open.messages).toBe(facts.month.length);
  });

  it("combines prefixes, phrases and negation", async () => {
    const both = await searchAll("s:kgdboc d:2020-05-01..2020-05-31");
    const expected = facts.subjectWord.filter((id) => facts.month.includes(id));
    expect(both.messages).toBe(expected.length);

    const notSubject = await searchAll("kgdboc -s:kgdboc");
    const subjectIds = new Set(facts.subjectWord);
    for (const h of notSubject.hits) expect(subjectIds.has(h.messageId)).toBe(false);

    const either = await searchAll("s:kgdboc OR f:dianders@chromium.org");
    const union = new Set([...facts.subjectWord, ...facts.fromAddress]);
    expect(either.messages).toBe(union.size);

    const phrase = await searchAll('"boot console"');
    expect(phrase.messages).toBeGreaterThan(0);
    expect(phrase.messages).toBeLessThan((await searchAll("boot console")).messages);
  });

  it("searches all lists with /search, and filters by list, author and date", async () => {
    const r = await get(
      `/api/v1/search?q=kgdboc&author=dianders@chromium.org&since=2020-05-01&until=2020-05-31`,
    );
    expect(r.status).toBe(200);
    for (const g of r.body.data as Result[]) {
      expect(g.thread.list).toBe(facts.slug);
      for (const h of g.hits) expect(h.date >= "2020-05-01" && h.date < "2020-06-01").toBe(true);
    }
    expect((await get("/api/v1/search?q=kgdboc&list=nope")).status).toBe(404);
  });

  it("an unknown list is a 404 whatever else is wrong; a known list with no hits is a 200", async () => {
    for (const query of ["q=kgdboc", "q=zzqqxxnotaword", 'q="unclosed', "q=kgdboc&mode=semantic", "q="]) {
      const r = await get(`/api/v1/lists/nope/search?${query}`);
      expect(r.status, query).toBe(404);
      expect(r.body.error.message).toContain('no mailing list "nope"');
    }
    const none = await get(`/api/v1/lists/${facts.slug}/search?q=zzqqxxnotaword`);
    expect(none.status).toBe(200);
    expect(none.body.data).toEqual([]);
    const beyond = await get(`/api/v1/lists/${facts.slug}/search?q=kgdboc&page=500`);
    expect(beyond.status).toBe(200);
    expect(beyond.body.meta.total).toBeGreaterThan(0);
  });
});

describe("modes", () => {
  it("fuzzy finds a misspelt subject word; lexical falls back to fuzzy and says so", async () => {
    const fuzzy = await get(`/api/v1/lists/${facts.slug}/search?q=kgdbok&mode=fuzzy`);
    expect(fuzzy.status).toBe(200);
    expect(fuzzy.body.data.length).toBeGreaterThan(0);
    expect(fuzzy.body.data[0].hits[0].scores.fuzzy.similarity).toBeGreaterThan(0.5);

    const lexical = await get(`/api/v1/lists/${facts.slug}/search?q=kgdbok`);
    expect(lexical.status).toBe(200);
    expect(lexical.body.meta.fallback?.mode).toBe("fuzzy");
    expect(lexical.body.data.length).toBeGreaterThan(0);
  });

  it("fuzzy finds a misspelt author name: as many messages as that author sent, ranked by similarity", async () => {
    // Douglas Anderson <dianders@chromium.org>, misspelt
    const { results, hits, messages } = await searchAll("Dougl Andersn", "&mode=fuzzy");
    expect(facts.fromAddress.length).toBeGreaterThan(100);
    expect(messages).toBeGreaterThanOrEqual(facts.fromAddress.length);
    const fromAuthor = new Set(facts.fromAddress);
    expect(hits.filter((h) => fromAuthor.has(h.messageId)).length).toBeGreaterThan(0);
    for (const h of hits) expect((h.scores.fuzzy as { similarity: number }).similarity).toBeGreaterThan(0.5);
    const scores = results.map((r) => (r as Result & { score: number }).score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("semantic without embeddings is a clear 4xx; hybrid falls back to lexical in meta", async () => {
    const semantic = await get(`/api/v1/lists/${facts.slug}/search?q=kgdboc&mode=semantic`);
    expect(semantic.status).toBe(422);
    expect(semantic.body.error.message).toMatch(/embedding/);
    const one = (await get(`/api/v1/lists/${facts.slug}/emails?pageSize=1`)).body.data[0].id;
    const near = await get(`/api/v1/lists/${facts.slug}/search?mode=semantic&near=${one}`);
    expect(near.status).toBe(422);
    expect(near.body.error.message).toMatch(/no embedding/);

    const hybrid = await get(`/api/v1/lists/${facts.slug}/search?q=kgdboc&mode=hybrid&semanticRatio=0.7`);
    expect(hybrid.status).toBe(200);
    expect(hybrid.body.meta).toMatchObject({ mode: "hybrid", modeUsed: "lexical" });
    expect(hybrid.body.meta.fallback.reason).toMatch(/embedding/);
    const lexical = await get(`/api/v1/lists/${facts.slug}/search?q=kgdboc`);
    expect(hybrid.body.meta.total).toBe(lexical.body.meta.total);
  });
});

describe("bad queries", () => {
  it.each([
    ['kgdb "serial console', 5],
    ["kgdb (a OR b", 5],
    ["OR kgdb", 0],
    ["s: kgdb", 0],
    ["d:20241301", 2],
    ["kgdb tc:someone", 5],
  ])("%j is a 400 invalid_query at position %i", async (q, position) => {
    const r = await get(`/api/v1/lists/${facts.slug}/search?q=${encodeURIComponent(q)}`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_query");
    expect(r.body.error.details.position).toBe(position);
    expect(r.body.error.message).toContain(`position ${position}`);
  });

  it("300 malformed requests: random parameters, huge values, SQL and tsquery metacharacters → no 5xx", async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const nasty = [
      "'; DROP TABLE emails; --",
      "a:*",
      "!!a",
      "a & | b",
      "<->",
      "foo:*A",
      "\\",
      "%_",
      "\u0000",
      "é\u202e",
      "(((((((((x",
      "))))",
      '"',
      "NOT",
      "d:..",
      "dfn:'",
      "f:%",
      "s:(",
      "9".repeat(40),
      "x".repeat(5000),
      "-",
      "*",
      "a*",
      "ab*",
      "$1",
      "::text",
      "d:99999999",
      "_*",
      "é*",
      "m:",
      "t:%",
      "a:(x OR",
    ];
    const params = [
      "q",
      "mode",
      "page",
      "pageSize",
      "since",
      "until",
      "author",
      "hasPatches",
      "series",
      "near",
      "semanticRatio",
      "list",
      "sort",
      "order",
    ];
    const values = [
      ...nasty,
      "-1",
      "0",
      "1e309",
      "NaN",
      "true",
      "hybrid",
      "semantic",
      "fuzzy",
      "99999999999999999999",
      "2024-02-30",
      "",
    ];
    const paths = [
      `/api/v1/lists/${facts.slug}/search`,
      "/api/v1/search",
      `/api/v1/lists/${facts.slug}/threads`,
      `/api/v1/lists/${facts.slug}/emails`,
      "/api/v1/authors",
      `/api/v1/lists/${encodeURIComponent(pick(nasty))}/threads`,
      `/api/v1/messages/${encodeURIComponent(pick(nasty))}`,
      `/api/v1/lists/${facts.slug}/threads/${encodeURIComponent(pick(nasty))}`,
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const qs = new URLSearchParams();
      const n = 1 + Math.floor(random() * 4);
      for (let j = 0; j < n; j++) {
        const key = pick(params);
        const value =
          random() < 0.5
            ? pick(values)
            : Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(nasty)).join(" ");
        qs.set(key, value);
      }
      const path = `${pick(paths)}?${qs}`;
      const res = await callApp(path, env);
      const body = await res.text();
      expect(res.status, `${path} → ${body.slice(0, 300)}`).toBeLessThan(500);
      expect(() => JSON.parse(body), path).not.toThrow();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    // the corpus of bad input must actually reach the handlers, not just the validator
    expect(statuses.get(200) ?? 0).toBeGreaterThan(20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(20);
  });
});

describe("semantic and hybrid with an embedding provider", () => {
  // A deterministic stand-in for Workers AI: hashed bag of words, normalised (cosine-friendly).
  function bagOfWords(text: string): number[] {
    const v = new Array<number>(384).fill(0);
    v[0] = 1e-3;
    for (const w of text.toLowerCase().match(/[a-z0-9]{3,}/g) ?? []) {
      let h = 7;
      for (const c of w) h = (h * 31 + c.charCodeAt(0)) >>> 0;
      v[h % 384]! += 1;
    }
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  }
  const ai = {
    run: async (_model: string, input: { text: string[] }) => ({ data: input.text.map(bagOfWords) }),
  };
  const withAi = envWith(facts.database, { AI: ai });
  const L = `/api/v1/lists/${facts.slug}/search`;
  const search = async (qs: string) => {
    const res = await callApp(`${L}?${qs}`, withAi);
    // biome-ignore lint/suspicious/noExplicitAny: JSON body
    return { status: res.status, body: (await res.json()) as any };
  };

  it("a provider without any embeddings is still a clear 4xx", async () => {
    const r = await search("q=kgdboc&mode=semantic");
    expect(r.status).toBe(422);
    expect(r.body.error.message).toMatch(/no message has an embedding/);
  });

  it("ranks by vector distance once embeddings exist, and fuses with lexical in hybrid", async () => {
    const database = workerDatabase(withAi);
    try {
      const { rows } = await database.pool.query<{ id: string; subject: string }>(
        "SELECT id, subject FROM emails",
      );
      await database.pool.query(
        "UPDATE emails e SET embedding = v.vec::vector FROM unnest($1::bigint[], $2::text[]) AS v(id, vec) WHERE e.id = v.id",
        [rows.map((r) => r.id), rows.map((r) => `[${bagOfWords(r.subject).join(",")}]`)],
      );
    } finally {
      await database.end();
    }

    const semantic = await search(`q=${encodeURIComponent("kgdboc earlycon")}&mode=semantic`);
    expect(semantic.status, JSON.stringify(semantic.body)).toBe(200);
    const top: Hit[] = semantic.body.data.slice(0, 5).map((g: Result) => g.hits[0]);
    for (const h of top) expect(h.subject.toLowerCase()).toContain("kgdboc");
    const distances = semantic.body.data.map(
      (g: Result) => (g.hits[0]!.scores.semantic as { distance: number }).distance,
    );
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);

    const nearId = top[0]!.id;
    const near = await search(`mode=semantic&near=${nearId}`);
    expect(near.status).toBe(200);
    const nearHits: Hit[] = near.body.data.flatMap((g: Result) => g.hits);
    expect(nearHits.some((h) => h.id === nearId)).toBe(false);
    expect(nearHits[0]!.subject.toLowerCase()).toContain("kgdboc");

    const hybrid = await search("q=kgdboc&mode=hybrid&semanticRatio=0.5");
    expect(hybrid.status).toBe(200);
    expect(hybrid.body.meta).toMatchObject({ modeUsed: "hybrid", fallback: null });
    const both = hybrid.body.data
      .flatMap((g: Result) => g.hits)
      .find((h: Hit) => h.scores.lexical && h.scores.semantic);
    expect(both?.scores.fused).toBeGreaterThan(0);

    // ratio 0 is the lexical ranking
    const lexicalOnly = await search("q=kgdboc&mode=hybrid&semanticRatio=0");
    const lexical = await search("q=kgdboc");
    expect(lexicalOnly.body.data.map((g: Result) => g.thread.id)).toEqual(
      lexical.body.data.map((g: Result) => g.thread.id),
    );
  });
});
