import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { ensureList } from "../../functions/ingest/lists";
import { ingestBatch } from "../../functions/ingest/store";
import { gunzip } from "../../functions/lib/compression";
import { RECIPE_VERSION } from "../../functions/mail/search-text";
import { importSource } from "../../scripts/lib/import-source";
import { BlobReader, epochCommits } from "../../scripts/lib/mail-sources";
import { openTestDatabase } from "../helpers/db";

/** The importer on the real public-inbox epochs of the corpus, against a real (embedded) Postgres. */
const CORPUS = resolve(import.meta.dirname, "../../../shared/corpus/publicinbox-v2");
const work = mkdtempSync(join(tmpdir(), "nexus-import-test-"));
function inbox(bundle: string, name: string): string {
  const dir = join(work, name);
  execFileSync("git", ["clone", "-q", "--mirror", join(CORPUS, bundle), join(dir, "git/0.git")]);
  return dir;
}
const kgdb = inbox("kgdb-bugreport.0.bundle", "kgdb");
const wcn = inbox("wcn36xx-with-rm.0.bundle", "wcn");
const KGDB_COMMITS = 2358;

let database: Database;
beforeAll(() => {
  database = openTestDatabase("import_pipeline", 2);
});
afterAll(async () => {
  await database.end();
  rmSync(work, { recursive: true, force: true });
});

const q = async <T>(text: string, params: unknown[] = []) =>
  (await database.pool.query(text, params)).rows as T[];
const listId = async (slug: string) =>
  Number((await q<{ id: string }>("SELECT id FROM mailing_lists WHERE slug = $1", [slug]))[0]!.id);
const threadShape = async (slug: string) =>
  (
    await q<{ root_message_id: string; membership_hash: string; message_count: number }>(
      "SELECT root_message_id, membership_hash, message_count FROM threads WHERE mailing_list_id = $1 ORDER BY root_message_id",
      [await listId(slug)],
    )
  ).map((t) => `${t.root_message_id} ${t.membership_hash} ${t.message_count}`);

describe("kgdb-bugreport epoch", () => {
  it("accounts for all 2,358 commits: stored + rejected + duplicates", { timeout: 300_000 }, async () => {
    const s = await importSource(database.pool, { source: kgdb, slug: "kgdb" });
    expect(s.read).toBe(KGDB_COMMITS);
    expect(s.imported + s.rejected + s.duplicates).toBe(KGDB_COMMITS);
    const [row] = await q<{ n: string }>("SELECT count(*) n FROM emails WHERE mailing_list_id = $1", [
      await listId("kgdb"),
    ]);
    expect(Number(row!.n)).toBe(s.imported);
    // every stored email has its source, its search fields, and a thread
    const [missing] = await q<{ nosrc: string; nosearch: string; nothread: string }>(
      `SELECT count(*) FILTER (WHERE s.email_id IS NULL) nosrc,
              count(*) FILTER (WHERE e.search_version IS DISTINCT FROM $2 OR e.lex_ts IS NULL OR e.body_ts IS NULL) nosearch,
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM thread_memberships m WHERE m.email_id = e.id)) nothread
         FROM emails e LEFT JOIN email_sources s ON s.email_id = e.id WHERE e.mailing_list_id = $1`,
      [await listId("kgdb"), RECIPE_VERSION],
    );
    expect(missing).toEqual({ nosrc: "0", nosearch: "0", nothread: "0" });
  });

  it("re-import adds nothing (incremental: no new commits; from scratch: all duplicates)", {
    timeout: 300_000,
  }, async () => {
    const before = await threadShape("kgdb");
    const again = await importSource(database.pool, { source: kgdb, slug: "kgdb" });
    expect(again.read).toBe(0);
    await database.pool.query(
      "UPDATE mailing_list_repositories SET last_indexed_commit = NULL WHERE mailing_list_id = $1",
      [await listId("kgdb")],
    );
    const scratch = await importSource(database.pool, { source: kgdb, slug: "kgdb" });
    expect(scratch.imported).toBe(0);
    expect(scratch.duplicates + scratch.rejected).toBe(KGDB_COMMITS);
    expect(await threadShape("kgdb")).toEqual(before);
  });

  it("importing in two halves gives the same threads as at once", { timeout: 300_000 }, async () => {
    const first = await importSource(database.pool, {
      source: kgdb,
      slug: "kgdb-halves",
      limit: KGDB_COMMITS / 2,
    });
    expect(first.read).toBe(KGDB_COMMITS / 2);
    const second = await importSource(database.pool, { source: kgdb, slug: "kgdb-halves" });
    expect(second.read).toBe(KGDB_COMMITS / 2);
    const whole = await threadShape("kgdb");
    expect(whole.length).toBeGreaterThan(100);
    expect(await threadShape("kgdb-halves")).toEqual(whole);
  });

  it("a BlobReader answers concurrent reads each with its own blobs", async () => {
    const ids: string[] = [];
    for await (const c of epochCommits(join(kgdb, "git/0.git"), ["HEAD"])) if (c.message) ids.push(c.message);
    const one = new BlobReader(join(kgdb, "git/0.git"));
    const sequential = [await one.read(ids.slice(0, 40)), await one.read(ids.slice(40, 90))];
    const concurrent = await Promise.all([one.read(ids.slice(0, 40)), one.read(ids.slice(40, 90))]);
    one.close();
    expect(concurrent.map((blobs) => blobs.map((b) => Buffer.from(b).toString("latin1")))).toEqual(
      sequential.map((blobs) => blobs.map((b) => Buffer.from(b).toString("latin1"))),
    );
  });

  it("keeps the original bytes exactly (gzip + sha256)", async () => {
    const commits: { sha: string; message?: string }[] = [];
    for await (const c of epochCommits(join(kgdb, "git/0.git"), ["HEAD"]))
      if (c.message && commits.length < 25) commits.push(c);
    const reader = new BlobReader(join(kgdb, "git/0.git"));
    const blobs = await reader.read(commits.map((c) => c.message!));
    reader.close();
    const rows = await q<{ source_commit: string; raw: Uint8Array; raw_size: number }>(
      "SELECT e.source_commit, s.raw, s.raw_size FROM emails e JOIN email_sources s ON s.email_id = e.id WHERE e.source_commit = ANY($1::text[])",
      [commits.map((c) => c.sha)],
    );
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) {
      const original = blobs[commits.findIndex((c) => c.sha === r.source_commit)]!;
      const back = await gunzip(new Uint8Array(r.raw));
      expect(Buffer.from(back).equals(Buffer.from(original))).toBe(true);
      expect(r.raw_size).toBe(original.length);
    }
  });

  it("a batch mixing stored and new messages stores the new ones with their own body and original bytes", async () => {
    const mail = (n: number) =>
      new TextEncoder().encode(
        `Message-ID: <mixed-${n}@example.org>\nFrom: A <a@example.org>\nSubject: mixed ${n}\n` +
          `Date: Tue, 24 Nov 2026 06:00:0${n} +0000\n\nbody number ${n}\n`,
      );
    const list = await ensureList(database.pool, "mixed-batch");
    await ingestBatch(database.pool, list.id, [{ bytes: mail(1) }, { bytes: mail(3) }]);
    const r = await ingestBatch(
      database.pool,
      list.id,
      [1, 2, 3, 4].map((n) => ({ bytes: mail(n) })),
    );
    expect(r.outcomes.map((o) => o.status).sort()).toEqual(["duplicate", "duplicate", "stored", "stored"]);
    const rows = await q<{ message_id: string; body: string; raw: Uint8Array }>(
      `SELECT e.message_id, e.body, s.raw FROM emails e JOIN email_sources s ON s.email_id = e.id
        WHERE e.mailing_list_id = $1 ORDER BY e.message_id`,
      [list.id],
    );
    expect(rows.map((x) => x.message_id)).toEqual([1, 2, 3, 4].map((n) => `mixed-${n}@example.org`));
    for (const [i, row] of rows.entries()) {
      expect(row.body.trim()).toBe(`body number ${i + 1}`);
      expect(Buffer.from(await gunzip(new Uint8Array(row.raw))).equals(Buffer.from(mail(i + 1)))).toBe(true);
    }
  });

  it("records every display name with usage counts; canonical name is the most used", async () => {
    const rows = await q<{ email: string; canonical_name: string; top: string; aliases: string }>(
      `SELECT a.email, a.canonical_name,
              (SELECT name FROM author_name_aliases x WHERE x.author_id = a.id ORDER BY usage_count DESC, last_seen DESC LIMIT 1) top,
              (SELECT count(*) FROM author_name_aliases x WHERE x.author_id = a.id) aliases
         FROM authors a WHERE EXISTS (SELECT 1 FROM author_name_aliases x WHERE x.author_id = a.id)`,
    );
    expect(rows.length).toBeGreaterThan(100);
    for (const r of rows) expect(r.canonical_name).toBe(r.top);
    expect(rows.some((r) => Number(r.aliases) > 1)).toBe(true);
    const [activity] = await q<{ n: string }>(
      "SELECT count(*) n FROM author_mailing_list_activity WHERE mailing_list_id = $1 AND email_count > 0 AND thread_count > 0",
      [await listId("kgdb")],
    );
    expect(Number(activity!.n)).toBeGreaterThan(50);
  });

  it("recognises patches and groups series", async () => {
    const [p] = await q<{ inline: string; series: string; multi: string }>(
      `SELECT count(*) FILTER (WHERE patch_type = 'inline') inline,
              (SELECT count(*) FROM patch_series WHERE mailing_list_id = $1) series,
              (SELECT count(*) FROM patch_series WHERE mailing_list_id = $1 AND patch_count > 1) multi
         FROM emails WHERE mailing_list_id = $1`,
      [await listId("kgdb")],
    );
    expect(Number(p!.inline)).toBeGreaterThan(300);
    expect(Number(p!.series)).toBeGreaterThan(100);
    expect(Number(p!.multi)).toBeGreaterThan(20);
    // members of a series with a cover letter all point at the same row
    const bad = await q(
      `SELECT s.id FROM patch_series s JOIN emails c ON c.id = s.cover_email_id
        WHERE s.mailing_list_id = $1 AND c.series_id <> s.id`,
      [await listId("kgdb")],
    );
    expect(bad).toEqual([]);
  });

  it("search fields answer a lexical query", async () => {
    const rows = await q<{ n: string }>(
      "SELECT count(*) n FROM emails WHERE mailing_list_id = $1 AND lex_ts @@ plainto_tsquery('english', 'kgdboc')",
      [await listId("kgdb")],
    );
    expect(Number(rows[0]!.n)).toBeGreaterThan(5);
  });
});

describe("wcn36xx epoch with a deletion", () => {
  it("the deleted message is gone after import", { timeout: 120_000 }, async () => {
    const s = await importSource(database.pool, { source: wcn, slug: "wcn36xx" });
    expect(s.read).toBe(40);
    expect(s.deleted).toBe(1);
    // the blob of the deletion commit names the message: it must not be stored
    const last: { deletion?: string }[] = [];
    for await (const c of epochCommits(join(wcn, "git/0.git"), ["HEAD"])) last.push(c);
    const deletion = last.find((c) => c.deletion)!.deletion!;
    const reader = new BlobReader(join(wcn, "git/0.git"));
    const [bytes] = await reader.read([deletion]);
    reader.close();
    const id = /^Message-ID:\s*<([^>]+)>/im.exec(Buffer.from(bytes!).toString("latin1"))![1]!;
    const found = await q("SELECT 1 FROM emails WHERE mailing_list_id = $1 AND message_id = $2", [
      await listId("wcn36xx"),
      id,
    ]);
    expect(found).toEqual([]);
    const gone = await q("SELECT 1 FROM thread_memberships WHERE message_id = $1 AND email_id IS NOT NULL", [
      id,
    ]);
    expect(gone).toEqual([]);
  });

  it("the same list as mboxrd imports all 39 messages", { timeout: 120_000 }, async () => {
    const s = await importSource(database.pool, {
      source: join(CORPUS, "wcn36xx.lists.infradead.org.mbox"),
      slug: "wcn-mbox",
    });
    expect(s.imported + s.duplicates + s.rejected).toBe(39);
    expect(s.rejected).toBe(0);
    // public-inbox's mboxrd From lines carry the epoch, not a date: every message keeps its Date header
    const dates = await database.pool.query(
      `SELECT count(*) FILTER (WHERE e.date_is_fallback)::int AS fallback, min(e.date) AS first
         FROM emails e JOIN mailing_lists l ON l.id = e.mailing_list_id WHERE l.slug = 'wcn-mbox'`,
    );
    expect(dates.rows[0].fallback).toBe(0);
    expect(new Date(dates.rows[0].first).getUTCFullYear()).toBeGreaterThanOrEqual(2019);
  });
});
