import { describe, expect, it } from "vitest";
import {
  formatQuery,
  parseQuery,
  QUERY_LIMITS,
  QUERY_PREFIXES,
  type QueryNode,
  QuerySyntaxError,
} from "../../../functions/search/query-parser";

const NOW = new Date("2025-03-15T12:00:00Z");
const parse = (q: string) => parseQuery(q, { now: NOW });
const show = (q: string) => formatQuery(parse(q));

function syntaxError(q: string): QuerySyntaxError {
  try {
    parse(q);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(q)} to be rejected`);
}

describe("parseQuery: terms and operators", () => {
  it("reads free words as an implicit AND, keeping positions", () => {
    const node = parse("kgdb  breakpoint");
    expect(node).toEqual({
      kind: "and",
      children: [
        { kind: "text", field: "any", value: "kgdb", phrase: false, prefix: false, position: 0 },
        { kind: "text", field: "any", value: "breakpoint", phrase: false, prefix: false, position: 6 },
      ],
    });
  });

  it("reads quoted phrases and prefix wildcards", () => {
    expect(show('"serial console" kgdbo*')).toBe('"serial console" AND kgdbo*');
    // A star after non-ASCII or punctuation is not a wildcard: the word is searched as written.
    expect(parse("kgdb.c*")).toMatchObject({ kind: "text", prefix: false, value: "kgdb.c*" });
  });

  it("gives OR the loosest binding, then AND, then NOT", () => {
    expect(show("a b OR c")).toBe("(a AND b) OR c");
    expect(show("a AND b OR c AND d")).toBe("(a AND b) OR (c AND d)");
    expect(show("a (b OR c)")).toBe("a AND (b OR c)");
    expect(show("a NOT b")).toBe("a AND NOT b");
    expect(show("NOT a OR b")).toBe("NOT a OR b");
    expect(show("NOT NOT a")).toBe("NOT NOT a");
  });

  it("reads -word as NOT, but keeps hyphens inside words", () => {
    expect(show("kgdb -kdb")).toBe("kgdb AND NOT kdb");
    expect(show('kgdb -"kdb shell"')).toBe('kgdb AND NOT "kdb shell"');
    expect(show("kgdb -(a OR b)")).toBe("kgdb AND NOT (a OR b)");
    expect(show("net-next")).toBe("net-next");
    expect(show("+kgdb")).toBe("kgdb");
    // A lone "-" is punctuation.
    expect(show("a - b")).toBe("a AND b");
  });

  it("treats lower-case and/or/not as words", () => {
    expect(show("this or that")).toBe("this AND or AND that");
  });

  it("drops terms with no letter or digit instead of searching for nothing", () => {
    expect(show("kgdb && breakpoint")).toBe("kgdb AND breakpoint");
    expect(show('kgdb ""')).toBe("kgdb");
  });
});

describe("parseQuery: lore prefixes", () => {
  it("maps s: f: b: to fields, with words and phrases", () => {
    expect(parse("s:kgdboc")).toMatchObject({ kind: "text", field: "subject", value: "kgdboc" });
    expect(parse('f:"Jason Wessel"')).toMatchObject({
      kind: "text",
      field: "from",
      value: "Jason Wessel",
      phrase: true,
    });
    expect(parse("f:jason.wessel@windriver.com")).toMatchObject({
      field: "from",
      value: "jason.wessel@windriver.com",
    });
    expect(parse("b:breakpoint")).toMatchObject({ field: "body" });
  });

  it("maps t: c: a: m: to recipients, any address and the Message-ID", () => {
    expect(parse("t:daniel.thompson@linaro.org")).toMatchObject({
      field: "to",
      value: "daniel.thompson@linaro.org",
    });
    expect(parse('c:"Jason Wessel"')).toMatchObject({ field: "cc", value: "Jason Wessel", phrase: true });
    expect(parse("a:wessel")).toMatchObject({ field: "address" });
    expect(parse("m:<20200507.1-1@example.com>")).toMatchObject({
      field: "messageId",
      value: "<20200507.1-1@example.com>",
    });
    expect(show("t:x c:y a:z m:w")).toBe("t:x AND c:y AND a:z AND m:w");
  });

  it("applies a prefix to a whole group", () => {
    expect(show("s:(kgdb OR kdb) b:serial")).toBe("(s:kgdb OR s:kdb) AND b:serial");
    expect(show("s:(kgdb b:x)")).toBe("s:kgdb AND b:x");
  });

  it("reads dfn: as a file name", () => {
    expect(parse("dfn:drivers/tty/serial/kgdboc.c")).toEqual({
      kind: "file",
      path: "drivers/tty/serial/kgdboc.c",
      position: 0,
    });
  });

  it("reads d: ranges in every lore form", () => {
    const range = (q: string) => {
      const n = parse(q) as Extract<QueryNode, { kind: "date" }>;
      return [n.from?.toISOString() ?? null, n.to?.toISOString() ?? null];
    };
    expect(range("d:20240101..20240630")).toEqual(["2024-01-01T00:00:00.000Z", "2024-07-01T00:00:00.000Z"]);
    expect(range("d:2024-01-01..")).toEqual(["2024-01-01T00:00:00.000Z", null]);
    expect(range("d:..20240630")).toEqual([null, "2024-07-01T00:00:00.000Z"]);
    expect(range("d:20240315")).toEqual(["2024-03-15T00:00:00.000Z", "2024-03-16T00:00:00.000Z"]);
    expect(range("d:2024-02")).toEqual(["2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"]);
    expect(range("d:2024")).toEqual(["2024-01-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z"]);
    expect(range("d:2.weeks.ago..")).toEqual(["2025-03-01T12:00:00.000Z", null]);
    expect(range("d:1.month.ago..yesterday")).toEqual([
      "2025-02-15T12:00:00.000Z",
      "2025-03-15T00:00:00.000Z",
    ]);
    expect(range("d:2024-01-01T10:30..2024-01-01T11:00")).toEqual([
      "2024-01-01T10:30:00.000Z",
      "2024-01-01T11:01:00.000Z",
    ]);
  });

  it("refuses lore prefixes it does not serve, by name", () => {
    const error = syntaxError("kgdb tc:someone@example.com");
    expect(error.position).toBe(5);
    expect(error.message).toContain("tc:");
    for (const { name } of QUERY_PREFIXES) expect(error.message).toContain(` ${name}:`);
  });

  it("reads the rest of lore's prefixes: bs: nq: q: dt: rt: dfa: dfb: mid: patchid:", () => {
    expect(parse("bs:kgdboc")).toMatchObject({ kind: "text", field: "subjectBody", value: "kgdboc" });
    expect(parse("nq:breakpoint")).toMatchObject({ field: "body" });
    expect(parse('q:"serial console"')).toMatchObject({ field: "quoted", phrase: true });
    expect(parse("dfa:kgdb_break")).toMatchObject({ field: "diffRemoved" });
    expect(parse("dfb:kgdb_break")).toMatchObject({ field: "diffAdded" });
    expect(parse("mid:20200507.1-1@example.com")).toMatchObject({ field: "messageId" });
    const id = "0123456789abcdef0123456789abcdef01234567";
    expect(parse(`patchid:${id}`)).toMatchObject({ field: "patchId", value: id });
    for (const prefix of ["dt", "rt"]) {
      const n = parse(`${prefix}:20240101120000..20240102`) as Extract<QueryNode, { kind: "date" }>;
      expect([n.from?.toISOString(), n.to?.toISOString()]).toEqual([
        "2024-01-01T12:00:00.000Z",
        "2024-01-03T00:00:00.000Z",
      ]);
    }
    expect(show(`bs:a q:b dfa:c dfb:d patchid:${id}`)).toBe(
      `bs:a AND q:b AND dfa:c AND dfb:d AND patchid:${id}`,
    );
    expect(syntaxError("kgdb dt:2024-13").message).toMatch(/^dt: /);
  });

  it("keeps unknown colon words as text (URLs, trailers)", () => {
    expect(parse("https://lore.kernel.org")).toMatchObject({
      kind: "text",
      value: "https://lore.kernel.org",
    });
    expect(parse("Fixes:")).toMatchObject({ kind: "text", value: "Fixes:" });
  });
});

describe("parseQuery: errors say where", () => {
  it.each([
    ["", 0, "empty"],
    ["   ", 0, "empty"],
    ['kgdb "serial console', 5, "never closed"],
    ["kgdb (a OR b", 5, "never closed"],
    ["kgdb a) b", 6, "no matching"],
    ["kgdb ()", 5, "empty parentheses"],
    ["OR kgdb", 0, "expected a term, found OR"],
    ["kgdb OR", 5, "OR needs a term"],
    ["kgdb AND", 5, "AND needs a term"],
    ["kgdb AND OR x", 5, "AND needs a term"],
    ["kgdb NOT", 5, "NOT needs a term"],
    ["s: kgdb", 0, "s: needs a value"],
    ["dfn:(a b)", 4, "takes one value"],
    ["d:20241301", 2, "not a real date"],
    ["d:20240230", 2, "not a real date"],
    ["d:yesterdayish", 2, "cannot read"],
    ["d:20240101..20231231", 2, "ends before it starts"],
    ["d:..", 2, "neither a start nor an end"],
    ["x d:2024..2025..2026", 14, 'one ".."'],
    ["d:0999", 2, "out of range"],
    ["&& ||", 0, "nothing to search for"],
    ["a\u0000b", 1, "NUL"],
  ])("%j → position %i", (q, position, words) => {
    const error = syntaxError(q);
    expect(error.message).toContain(words);
    expect(error.position).toBe(position);
  });

  it("bounds the length, the number of terms and the nesting", () => {
    expect(syntaxError("a".repeat(QUERY_LIMITS.maxLength + 1)).message).toContain("at most");
    expect(() => parse("a".repeat(QUERY_LIMITS.maxLength))).not.toThrow();

    const words = Array.from({ length: QUERY_LIMITS.maxTerms + 1 }, (_, i) => `w${i}`);
    const tooMany = syntaxError(words.join(" "));
    expect(tooMany.message).toContain("too many terms");
    expect(tooMany.position).toBe(words.slice(0, -1).join(" ").length + 1);
    expect(() => parse(words.slice(1).join(" "))).not.toThrow();

    const deep = (n: number) => `${"(".repeat(n)}kgdb${")".repeat(n)}`;
    expect(() => parse(deep(QUERY_LIMITS.maxDepth))).not.toThrow();
    expect(syntaxError(deep(QUERY_LIMITS.maxDepth + 1)).message).toContain("nested");
    expect(syntaxError(`${"NOT ".repeat(QUERY_LIMITS.maxDepth + 1)}kgdb`).message).toContain("nested");
  });

  it("bounds what a query may expand to: OR alternatives, wildcards and their length", () => {
    const alternatives = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" OR ");
    expect(() => parse(alternatives(QUERY_LIMITS.maxOrBranches))).not.toThrow();
    const tooMany = syntaxError(alternatives(QUERY_LIMITS.maxOrBranches + 1));
    expect(tooMany.message).toContain("OR");
    // at the OR that brings in one alternative too many
    const over = alternatives(QUERY_LIMITS.maxOrBranches + 1);
    expect(tooMany.position).toBe(over.lastIndexOf(" OR ") + 1);
    // the alternatives of every group count: (a OR b) (c OR d) … over the limit in total
    const groups = Array.from({ length: QUERY_LIMITS.maxOrBranches / 2 + 1 }, (_, i) => `(a${i} OR b${i})`);
    expect(syntaxError(groups.join(" ")).message).toContain("OR");

    expect(syntaxError("e* OR a* OR s* OR t*").message).toContain("at least 3");
    expect(syntaxError("kgdb ab*").position).toBe(5);
    expect(() => parse("kgd* brea* cons* seri*")).not.toThrow();
    const wildcards = syntaxError("kgd* brea* cons* seri* watc*");
    expect(wildcards.message).toContain("wildcard");
    expect(wildcards.position).toBe(23);
  });

  it("never throws anything but QuerySyntaxError on random input", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = [
      '"',
      "(",
      ")",
      "-",
      "+",
      "s:",
      "d:",
      "dfn:",
      "f:",
      "b:",
      "AND",
      "OR",
      "NOT",
      " ",
      "..",
      "*",
      "kgdb",
      "2024",
      "é",
      ":",
      "'",
      "\\",
      "&",
      "|",
      "!",
      "<->",
      "20240101",
      "\u0000",
    ];
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(random() * 12);
      const q = Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]).join(
        random() < 0.5 ? "" : " ",
      );
      try {
        const node = parse(q);
        expect(typeof formatQuery(node)).toBe("string");
      } catch (error) {
        expect(error, q).toBeInstanceOf(QuerySyntaxError);
        const e = error as QuerySyntaxError;
        expect(e.position).toBeGreaterThanOrEqual(0);
        expect(e.position).toBeLessThanOrEqual(q.length);
      }
    }
  });
});
