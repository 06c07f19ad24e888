import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { escapeLike } from "../../../db/queries/like";
import { parseQuery } from "../../../functions/search/query-parser";
import { compileQuery } from "../../../functions/search/query-sql";

const dialect = new PgDialect();
const render = (q: string) => {
  const compiled = compileQuery(parseQuery(q, { now: new Date("2025-01-01T00:00:00Z") }));
  return {
    where: dialect.sqlToQuery(compiled.where),
    lex: compiled.lexQuery && dialect.sqlToQuery(compiled.lexQuery),
    body: compiled.bodyQuery && dialect.sqlToQuery(compiled.bodyQuery),
    fuzzyText: compiled.fuzzyText,
    filters: compiled.filters && dialect.sqlToQuery(compiled.filters),
  };
};

describe("compileQuery", () => {
  it("passes every user value as a parameter, never in the SQL text", () => {
    const hostile = `x'); DROP TABLE emails; --`;
    const q = `"${hostile}" s:'evil' f:"o'brien%_" b:a:*|b dfn:drivers/'x d:2024`;
    const { where } = render(q);
    expect(where.sql).not.toContain("DROP");
    expect(where.sql).not.toContain("evil");
    expect(where.sql).not.toContain("brien");
    expect(where.sql).not.toContain("drivers");
    expect(where.params).toContain(hostile);
    expect(where.params).toContain("'evil'");
    expect(where.params).toContain("%o'brien\\%\\_%");
    expect(where.params).toContain("2024-01-01T00:00:00.000Z");
    expect(where.params).toContain("2025-01-01T00:00:00.000Z");
  });

  it("turns words, phrases and prefixes into the tsquery functions that accept any text", () => {
    const { where } = render('kgdb "serial console" breakp*');
    expect(where.sql).toContain("plainto_tsquery");
    expect(where.sql).toContain("phraseto_tsquery");
    expect(where.sql).toContain("to_tsquery('simple', $");
    expect(where.params).toContain("breakp:*");
    expect(where.sql).not.toMatch(/websearch_to_tsquery/);
  });

  it("tests free text against both vectors, s: against weight A, b: against the body", () => {
    expect(render("kgdb").where.sql).toMatch(/"lex_ts" @@ .* OR "emails"."body_ts" @@/);
    expect(render("s:kgdb").where.sql).toContain(`ts_filter("emails"."lex_ts", '{a}')`);
    const body = render("b:kgdb").where.sql;
    expect(body).toContain('"body_ts" @@');
    expect(body).not.toContain("lex_ts");
  });

  it("ranks with the positive terms only", () => {
    const r = render("kgdb -kdb s:oops b:trace");
    expect(r.lex?.params).toEqual(["english", "kgdb", "english", "oops"]);
    expect(r.body?.params).toEqual(["english", "kgdb", "english", "trace"]);
    expect(r.fuzzyText).toBe("kgdb oops");
    expect(r.where.sql).toContain("IS NOT TRUE");
    const onlyFilters = render("d:2024 dfn:kgdboc.c");
    expect(onlyFilters.lex).toBeNull();
    expect(onlyFilters.body).toBeNull();
  });

  it("keeps the non-wording conditions as filters for fuzzy and semantic search", () => {
    const r = render("kgdb d:2024 -kdb f:wessel");
    expect(r.filters?.sql).toContain("timestamptz");
    expect(r.filters?.sql).toContain("IS NOT TRUE");
    expect(r.filters?.params).toContain("%wessel%");
    expect(r.filters?.params).not.toContain("kgdb");
    expect(render("kgdb OR d:2024").filters).toBeNull();
  });

  it("knows when every match is a patch (a dfn: term every match meets)", () => {
    const patchesOnly = (q: string) => compileQuery(parseQuery(q)).patchesOnly;
    expect(patchesOnly("dfn:kdb_main.c")).toBe(true);
    expect(patchesOnly("kgdb dfn:kdb_main.c -kdb")).toBe(true);
    expect(patchesOnly("dfn:a.c OR dfn:b.c")).toBe(true);
    expect(patchesOnly("kgdb OR dfn:a.c")).toBe(false);
    expect(patchesOnly("-dfn:a.c")).toBe(false);
    expect(patchesOnly("kgdb")).toBe(false);
  });

  it("takes the newest month by month only when a word the text indexes answer is in every match", () => {
    const monthly = (q: string) => compileQuery(parseQuery(q)).monthly;
    expect(monthly("watchdog")).toBe(true);
    expect(monthly('"boot console"')).toBe(true);
    expect(monthly("s:kgdb f:wessel -kdb")).toBe(true);
    expect(monthly("b:watchdog dfn:kdb_main.c")).toBe(true);
    expect(monthly("watchdog OR f:wessel")).toBe(false); // an author's messages are not in the text indexes
    expect(monthly("f:wessel")).toBe(false);
    expect(monthly("dfn:kdb_main.c")).toBe(false);
    expect(monthly("-watchdog")).toBe(false);
    expect(monthly("watch* kgdb")).toBe(false); // each month's probe would expand the prefix again
    expect(monthly("kgdb d:2020-01-01..2020-12-31")).toBe(false); // the months run from the list's newest
  });

  it("reads a phrase of plain words from the word-pair index, exact when it is two words anywhere", () => {
    const pairs = (q: string) => compileQuery(parseQuery(q)).pairs;
    expect(pairs('"kernel debugger"')).toMatchObject({ exact: true });
    expect(pairs('"kernel debugger" -kdb f:wessel')).toMatchObject({ exact: true });
    expect(pairs('"the kernel debugger"')).toMatchObject({ exact: false }); // the pairs narrow, the phrase tests
    expect(pairs('b:"kernel debugger"')).toMatchObject({ exact: false }); // the pairs hold the subject too
    expect(pairs('"kernel debugger" OR s:kgdb')).toMatchObject({ exact: false });
    const rendered = new PgDialect().sqlToQuery(pairs('"kernel debugger" kgdb')!.candidates);
    expect(rendered.sql).toContain("search_pairs(");
    expect(rendered.params).toContain("kernel debugger");
    // no pair to read: a word alone, stop words between, punctuation, subjects only, a NOT
    for (const q of [
      '"kgdb"',
      '"kernel of the debugger"',
      '"kgdb: fix"',
      's:"kernel debugger"',
      'kgdb -"kernel debugger"',
    ])
      expect(pairs(q), q).toBeNull();
  });
  it("matches t: c: a: against recipients and authors, m: against the Message-ID, never ranking them", () => {
    const r = render("kgdb t:thompson c:wessel a:linaro m:<abc@example.com>");
    expect(r.where.sql).toContain('"email_recipients" r');
    expect(r.where.params).toEqual(
      expect.arrayContaining(["to", "cc", "%thompson%", "%wessel%", "%linaro%", "abc@example.com"]),
    );
    expect(r.lex?.params).toEqual(["english", "kgdb"]);
    expect(r.filters?.params).toContain("abc@example.com");
    expect(r.filters?.params).not.toContain("kgdb");
  });

  it("escapes LIKE wildcards", () => {
    expect(escapeLike("100%_a\\b")).toBe("100\\%\\_a\\\\b");
  });
});
