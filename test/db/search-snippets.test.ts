import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { searchList, searchQuery } from "../../functions/api/v1/search";
import { ensureList } from "../../functions/ingest/lists";
import { ingestBatch } from "../../functions/ingest/store";
import { preparedBodySql } from "../../functions/mail/search-text";
import { openTestDatabase } from "../helpers/db";

/**
 * Snippets (db/queries/search.ts hitDetails): ts_headline reads a window around the first place a lexeme of the
 * query stands on an unquoted line, and the whole text where that window marks nothing. Each message below is one
 * of those cases; the snippet must mark the message's own words, never quoted ones.
 */
const messages: Record<string, { subject: string; body: string }> = {
  reply: {
    subject: "Re: serial console",
    body: "On Mon, Dev wrote:\n> the kgdboc driver we quoted\n> more quoted text\n\nMy own words on kgdboc here.\n",
  },
  stem: { subject: "feedback", body: "We are very happy with the kgdboc rework.\n" },
  subject: { subject: "kgdboc: fix the poll hook", body: "> quoted kgdboc line\n\nThanks, applied.\n" },
  longQuote: { subject: "long quote", body: `> ${"x".repeat(100)}\nkgdboc is named on this line.\n` },
  inside: {
    subject: "inside",
    body: `truncate ${"filler words ".repeat(40)}then run kgdboc again.\n`,
  },
  dotted: { subject: "dotted", body: "See foo.bar for the kgdboc details.\n" },
  tokens: {
    subject: "tokens",
    body: "Fetch http://x.org/a?b=c&d+e or write to a.b@c.d about (kgdboc) [x] $y ^z |w \\v.\n",
  },
};
const ids = Object.keys(messages);
const mail = (key: string, n: number) =>
  new TextEncoder().encode(
    [
      "From: Dev Eloper <dev@example.org>",
      `Subject: ${messages[key]!.subject}`,
      `Message-ID: <snip-${key}@example.org>`,
      `Date: ${new Date(Date.UTC(2021, 0, 1 + n)).toUTCString()}`,
      "",
      messages[key]!.body,
    ].join("\n"),
  );

let database: Database;
beforeAll(async () => {
  database = openTestDatabase("search_snippets", 2);
  const { id } = await ensureList(database.pool, "snip");
  const result = await ingestBatch(
    database.pool,
    id,
    ids.map((key, n) => ({ bytes: mail(key, n) })),
  );
  expect(result.outcomes.filter((o) => o.status === "stored")).toHaveLength(ids.length);
});
afterAll(() => database.end());

async function snippets(q: string): Promise<Record<string, string>> {
  const p = searchQuery.parse({ q, sort: "date", pageSize: "50" });
  const result = await searchList(database.db, null, p, "snip", 1);
  const out: Record<string, string> = {};
  for (const g of result.data) for (const h of g.hits) out[/snip-(\w+)@/.exec(h.messageId)![1]!] = h.snippet;
  return out;
}

it("marks the message's own words, not the quoted ones, from the line where they start", async () => {
  const s = await snippets("kgdboc");
  expect(Object.keys(s).sort()).toEqual([...ids].sort());
  expect(s.reply).toContain("My own words on <mark>kgdboc</mark> here");
  expect(s.reply).not.toContain("quoted");
  // a quoted line that starts before the window is not cut into it
  expect(s.longQuote).toContain("<mark>kgdboc</mark> is named");
  expect(s.longQuote).not.toContain("xxx");
  // a subject-only hit shows the start of its own text, unmarked
  expect(s.subject).toBe("Thanks, applied.");
  expect(s.dotted).toContain("<mark>kgdboc</mark> details");
});

it("reads the whole text when the window marks nothing", async () => {
  // "happy" is stored as "happi", which is not a prefix of the word: no window, the whole text
  expect((await snippets("happy")).stem).toContain("<mark>happy</mark>");
  // "run" is first found inside "truncate", 500 characters before the word itself
  expect((await snippets("run")).inside).toContain("then <mark>run</mark> kgdboc");
});

it("takes lexemes with the regular expressions' own characters as text", async () => {
  const s = await snippets("foo.bar kgdboc");
  expect(s.dotted).toContain("<mark>foo.bar</mark>");
  // URLs, addresses and paths are lexemes with such characters: they mark, and nothing else breaks
  const tokens = await snippets("http://x.org/a?b=c&d+e a.b@c.d");
  expect(tokens.tokens).toContain("<mark>");
  for (const q of ["a+b (c) [d] \\v $y ^z |w", "o'brien's *", "kgdboc.*", "~/x-y"]) {
    await expect(snippets(q)).resolves.toBeTypeOf("object");
  }
});

it("search_hit_details reads the body text the search recipe indexes (a recipe change needs a migration)", async () => {
  const { rows } = await database.pool.query<{ src: string }>(
    "SELECT prosrc AS src FROM pg_proc WHERE proname = 'search_hit_details'",
  );
  expect(rows).toHaveLength(1);
  // the window's text and the whole text, each the recipe over its lateral's body
  expect(rows[0]!.src).toContain(preparedBodySql("wx"));
  expect(rows[0]!.src).toContain(preparedBodySql("x"));
});
