import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createDatabase, type Database } from "../../db/client";
import { EMBEDDED_URL } from "../../scripts/lib/embedded";
import { serveEmbedded } from "../../scripts/lib/embedded-server";
import { type EmbeddedVacuumOptions, startEmbeddedVacuum } from "../../scripts/lib/embedded-vacuum";

/**
 * The embedded server's stand-in for autovacuum, on embedded databases of their own (WAL is per server: the
 * shared test server's other writers, or a second vacuum, would trigger it). `reltuples` is -1 until VACUUM or ANALYZE counts a table.
 */
const dir = mkdtempSync(join(tmpdir(), "nexus-vacuum-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function open(folder: string, vacuum?: EmbeddedVacuumOptions) {
  const server = await serveEmbedded(join(dir, folder), { publish: false, vacuum });
  const db = createDatabase({
    url: EMBEDDED_URL,
    wsProxy: server.address,
    webSocketConstructor: WebSocket,
    poolMax: 1,
  });
  afterAll(async () => {
    await db.end();
    await server.close();
  });
  return db;
}

const reltuples = async (db: Database, table: string) =>
  Number(
    (await db.pool.query("SELECT reltuples FROM pg_class WHERE relname = $1", [table])).rows[0]!.reltuples,
  );

async function waitFor(condition: () => Promise<boolean>, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe("embedded vacuum (PGlite has no autovacuum)", () => {
  it("vacuums and analyzes after enough writes, and not while only reading or after small writes", async () => {
    const db = await open("manual");
    await db.pool.query("CREATE TABLE notes (id int PRIMARY KEY, body text)");
    const vacuum = startEmbeddedVacuum(db.pool, { intervalMs: 3_600_000, minWalBytes: 256 * 1024 });
    try {
      expect(await vacuum.tick()).toBe(false); // the baseline
      await db.pool.query(
        "INSERT INTO notes SELECT i, repeat(md5(i::text), 4) FROM generate_series(1, 20000) i",
      );
      expect(await reltuples(db, "notes")).toBe(-1);
      expect(await vacuum.tick()).toBe(true);
      expect(await reltuples(db, "notes")).toBe(20000);

      for (let i = 0; i < 5; i++) await db.pool.query("SELECT count(*) FROM notes WHERE body LIKE '%ab%'");
      expect(await vacuum.tick()).toBe(false);
      await db.pool.query("UPDATE notes SET body = 'changed' WHERE id = 1");
      expect(await vacuum.tick()).toBe(false); // below the threshold

      await db.pool.query("DELETE FROM notes WHERE id > 10000");
      expect(await vacuum.tick()).toBe(true);
      expect(await reltuples(db, "notes")).toBe(10000);
    } finally {
      await vacuum.stop();
    }
  });

  it("runs on its own in a server started with the vacuum option", async () => {
    const vacuumed: number[] = [];
    const db = await open("served", {
      intervalMs: 100,
      minWalBytes: 256 * 1024,
      onVacuum: (ms) => vacuumed.push(ms),
    });
    await db.pool.query("CREATE TABLE more_notes (id int PRIMARY KEY, body text)");
    const before = vacuumed.length;
    await db.pool.query(
      "INSERT INTO more_notes SELECT i, repeat(md5(i::text), 4) FROM generate_series(1, 20000) i",
    );
    // VACUUM commits table by table: the count may show before the whole run has ended
    expect(await waitFor(async () => vacuumed.length > before, 10_000)).toBe(true);
    expect(await reltuples(db, "more_notes")).toBe(20000);
  });
});
