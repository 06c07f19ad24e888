import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { ensureList } from "../../functions/ingest/lists";
import { ingestBatch } from "../../functions/ingest/store";
import { parseQuery } from "../../functions/search/query-parser";
import { compileQuery, ENGLISH_STOP_WORDS, phraseNarrowing } from "../../functions/search/query-sql";
import { openTestDatabase } from "../helpers/db";
import { epochBlobs } from "../helpers/epoch";

/**
 * A phrase of plain words is read from the word-pair index (migration 0020, query-sql.ts phraseNarrowing): these
 * prove, on real mail (the kgdb epoch's first 600 messages), that the pairs find exactly the messages the phrase
 * test `@@ phraseto_tsquery` finds for two words, and never fewer for longer phrases.
 */
const BUNDLE = resolve(import.meta.dirname, "../../../shared/corpus/publicinbox-v2/kgdb-bugreport.0.bundle");
const COUNT = 600;

let database: Database;
const bodies: string[] = [];
beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), "nexus-pairs-"));
  try {
    execFileSync("git", ["clone", "-q", "--mirror", BUNDLE, join(work, "0.git")]);
    const blobs = epochBlobs(join(work, "0.git")).slice(0, COUNT);
    for (const blob of blobs)
      bodies.push(
        blob
          .toString("latin1")
          .split(/\r?\n\r?\n/)
          .slice(1)
          .join("\n\n"),
      );
    database = openTestDatabase("search_phrase_pairs", 2);
    const { id } = await ensureList(database.pool, "pairs");
    const result = await ingestBatch(
      database.pool,
      id,
      blobs.map((bytes) => ({ bytes })),
    );
    expect(result.outcomes.filter((o) => o.status === "stored").length).toBeGreaterThan(COUNT * 0.95);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, 120_000);
afterAll(() => database?.end());

/** Runs of `length` plain words side by side in the bodies, every `step`-th one (`stop`: stop words allowed). */
function phrases(length: number, step: number, stop = true): string[] {
  const out = new Set<string>();
  let n = 0;
  for (const body of bodies) {
    const words = body.split(/\s+/).filter(Boolean);
    for (let i = 0; i + length <= words.length; i++) {
      const run = words.slice(i, i + length);
      if (!run.every((w) => /^[A-Za-z0-9]+$/.test(w) && (stop || !ENGLISH_STOP_WORDS.has(w.toLowerCase()))))
        continue;
      if (n++ % step === 0) out.add(run.join(" "));
    }
  }
  return [...out];
}

async function ids(where: ReturnType<typeof sql>): Promise<number[]> {
  const rows = await database.db.execute<{ id: string }>(
    sql`SELECT emails.id FROM emails WHERE ${where} ORDER BY emails.id`,
  );
  return rows.rows.map((r) => Number(r.id));
}

it("finds with the pairs exactly what the phrase test finds, for two words; never fewer for more", async () => {
  const twos = [...phrases(2, 37, false).slice(0, 40), ...phrases(2, 97).slice(0, 20)];
  const longer = [...phrases(3, 131).slice(0, 25), ...phrases(4, 173).slice(0, 15)];
  expect(twos.length).toBe(60);
  expect(longer.length).toBe(40);
  let exact = 0;
  let narrowed = 0;
  let found = 0;
  for (const phrase of [...twos, ...longer]) {
    const q = compileQuery(parseQuery(`"${phrase}"`));
    const kind = phraseNarrowing(phrase);
    if (kind === "none") {
      expect(q.pairs, phrase).toBeNull();
      continue;
    }
    expect(q.pairs!.exact, phrase).toBe(kind === "exact");
    const byPhrase = await ids(q.where);
    const byPairs = await ids(q.pairs!.candidates);
    if (kind === "exact") {
      exact++;
      expect(byPairs, phrase).toEqual(byPhrase);
    } else {
      narrowed++;
      expect(
        byPairs.filter((id) => byPhrase.includes(id)),
        phrase,
      ).toEqual(byPhrase);
    }
    if (byPhrase.length > 0) found++;
  }
  // most sampled phrases are plain and are found (they come from the bodies; some only from quotes body_ts drops)
  console.log(`${exact} phrases of two words, ${narrowed} longer, ${found} of them found`);
  expect(exact).toBeGreaterThan(40);
  expect(narrowed).toBeGreaterThan(12);
  expect(found).toBeGreaterThan(50);
});

it("leaves a phrase with no two words side by side that make lexemes to the vectors' own test", () => {
  for (const phrase of ["the kernel of debugger", "kgdb", "kgdb: fix", "naïve approach", "it is"]) {
    expect(phraseNarrowing(phrase), phrase).toBe("none");
    expect(compileQuery(parseQuery(`"${phrase}"`)).pairs).toBeNull();
  }
  expect(phraseNarrowing("Kernel Debugger")).toBe("exact");
  expect(phraseNarrowing("the kernel debugger")).toBe("narrowing");
});

it("knows the server's stop words: a stop word makes no lexeme, and the list is the server's", async () => {
  const words = [...ENGLISH_STOP_WORDS];
  const rows = await database.pool.query<{ w: string; n: number }>(
    "SELECT w, length(to_tsvector('english', w)) AS n FROM unnest($1::text[]) w",
    [[...words, "kernel", "debugger", "kgdb", "42"]],
  );
  const lexemes = new Map(rows.rows.map((r) => [r.w, Number(r.n)]));
  for (const w of words) expect(lexemes.get(w), w).toBe(0);
  for (const w of ["kernel", "debugger", "kgdb", "42"]) expect(lexemes.get(w), w).toBe(1);
  // every stop word of the machine's PostgreSQL is in the list (the embedded one ships the same file)
  const file = join(execFileSync("pg_config", ["--sharedir"]).toString().trim(), "tsearch_data/english.stop");
  const server = readFileSync(file, "utf8").split("\n").filter(Boolean);
  expect(new Set(server)).toEqual(new Set(words));
});

it("reads a phrase's pairs from the index that keys them by month", async () => {
  const defs = await database.pool.query<{ def: string }>(
    "SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'emails_pairs_idx'",
  );
  expect(defs.rows[0]?.def).toMatch(
    /USING gin \(search_bucket\(mailing_list_id, date\), search_pairs\(lex_ts, body_ts\)\)/,
  );
  const pairs = await database.pool.query<{ p: string[] }>(
    "SELECT phrase_pairs(to_tsvector('english', 'The kernel debugger: kgdb, or the kernel debugger')) AS p",
  );
  expect(pairs.rows[0]!.p.sort()).toEqual(["debugg kgdb", "kernel debugg"]);
});
