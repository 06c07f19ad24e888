import { describe, expect, it } from "vitest";
import { migrationStatus } from "../../db/migration-status";
import {
  applyMigrations,
  loadMigrations,
  type MigrationFile,
  revertMigrations,
} from "../../scripts/lib/migrations";
import { catalogSnapshot } from "../helpers/catalog";
import { databaseTarget, openPg15Database, openTestDatabase, PG15_UNPRIVILEGED_ROLE } from "../helpers/db";

const files = loadMigrations();

const server = databaseTarget === "native" ? "PostgreSQL 15 + pgvector" : "PGlite (Postgres 18 + pgvector)";

describe(`migrations on ${server} + pg_trgm`, () => {
  it("every migration has a down file", () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.filter((f) => !f.hasDown).map((f) => f.tag)).toEqual([]);
  });

  it("each migration in order applies, reverts to the exact catalog before it, and re-applies identically", async () => {
    const db = openTestDatabase("fresh_roundtrip");
    try {
      const pristine = await catalogSnapshot(db.pool);
      for (let i = 0; i < files.length; i++) {
        const upTo = files.slice(0, i + 1);
        const before = await catalogSnapshot(db.pool);
        expect((await applyMigrations(db.pool, upTo)).applied).toEqual([files[i]!.tag]);
        const after = await catalogSnapshot(db.pool);
        expect(after, `${files[i]!.tag} changes the catalog`).not.toEqual(before);

        expect((await revertMigrations(db.pool, 1, upTo)).reverted).toEqual([files[i]!.tag]);
        expect(await catalogSnapshot(db.pool), `${files[i]!.tag} down restores the catalog`).toEqual(before);

        await applyMigrations(db.pool, upTo);
        expect(await catalogSnapshot(db.pool), `${files[i]!.tag} re-applied`).toEqual(after);
      }

      // The chain built step by step equals a straight apply on another fresh database.
      const chained = await catalogSnapshot(db.pool);
      const straight = openTestDatabase("fresh_straight");
      try {
        await applyMigrations(straight.pool, files);
        expect(await catalogSnapshot(straight.pool)).toEqual(chained);
        expect((await migrationStatus(straight.pool, files)).vectorIndex).toBe("hnsw");
      } finally {
        await straight.end();
      }

      // Rolling everything back leaves the database as it was before the first migration.
      const { reverted, status } = await revertMigrations(db.pool, files.length, files);
      expect(reverted).toEqual(files.map((f) => f.tag).reverse());
      expect(status.applied).toEqual([]);
      expect(await catalogSnapshot(db.pool)).toEqual(pristine);
    } finally {
      await db.end();
    }
  });

  it("0005 folds recipient rows into arrays in header order, and its down file unfolds them", async () => {
    const db = openTestDatabase("fresh_recipients");
    const upTo4 = files.slice(
      0,
      files.findIndex((f) => f.tag === "0005_recipient_arrays"),
    );
    const rowsSql = `SELECT email_id::int, author_id::int, kind::text, position FROM email_recipients
                      ORDER BY email_id, kind, position`;
    try {
      await applyMigrations(db.pool, upTo4);
      await db.pool.query(`
        INSERT INTO mailing_lists (id, slug, name) VALUES (1, 'l', 'L');
        INSERT INTO authors (id, email) VALUES (1, 'a@x'), (2, 'b@x'), (3, 'c@x');
        INSERT INTO emails (id, mailing_list_id, message_id, author_id, date)
          VALUES (1, 1, 'm1@x', 1, now()), (2, 1, 'm2@x', 2, now());
        -- inserted out of position order: the arrays must follow position, not insertion
        INSERT INTO email_recipients (email_id, author_id, kind, position)
          VALUES (1, 3, 'to', 1), (1, 2, 'to', 0), (1, 1, 'cc', 0), (2, 3, 'cc', 2), (2, 1, 'cc', 0), (2, 2, 'cc', 1)`);
      const before = (await db.pool.query(rowsSql)).rows;

      await applyMigrations(db.pool, files);
      const folded = await db.pool.query(
        "SELECT email_id::int, kind::text, author_ids::int[] FROM email_recipients ORDER BY email_id, email_recipients.kind",
      );
      expect(folded.rows).toEqual([
        { email_id: 1, kind: "to", author_ids: [2, 3] },
        { email_id: 1, kind: "cc", author_ids: [1] },
        { email_id: 2, kind: "cc", author_ids: [1, 2, 3] },
      ]);

      await revertMigrations(db.pool, files.length - upTo4.length, files);
      expect((await db.pool.query(rowsSql)).rows).toEqual(before);
    } finally {
      await db.end();
    }
  });

  it("a migration that fails midway leaves nothing behind", async () => {
    const db = openTestDatabase("fresh_broken");
    try {
      const last = files[files.length - 1]!;
      const broken: MigrationFile = {
        tag: "9999_broken",
        when: last.when + 1,
        hash: "broken",
        hasDown: true,
        up: "CREATE TABLE half_done (id int);\n--> statement-breakpoint\nINSERT INTO half_done VALUES (1);\n--> statement-breakpoint\nSELECT 1/0;",
        down: "DROP TABLE half_done;",
      };
      await applyMigrations(db.pool, files);
      const before = await catalogSnapshot(db.pool);
      await expect(applyMigrations(db.pool, [...files, broken])).rejects.toThrow(
        /9999_broken failed and was rolled back: division by zero/,
      );
      expect(await catalogSnapshot(db.pool)).toEqual(before);
      const status = await migrationStatus(db.pool, [...files, broken]);
      expect(status.pending).toEqual(["9999_broken"]);
      expect(status.applied).toHaveLength(files.length);
    } finally {
      await db.end();
    }
  });

  it("reports drift when an applied migration's file changed, and refuses to migrate on top of it", async () => {
    const db = openTestDatabase("drift_check");
    try {
      const edited = files.map((f, i) =>
        i === 1 ? { ...f, up: `${f.up}\n-- edited`, hash: "0".repeat(64) } : f,
      );
      const status = await migrationStatus(db.pool, edited);
      expect(status.drifted).toEqual([files[1]!.tag]);
      expect(status.ready).toBe(false);
      await expect(applyMigrations(db.pool, edited)).rejects.toThrow(/edited since/);

      const withNew: MigrationFile[] = [
        ...files,
        {
          tag: "9998_next",
          when: files.at(-1)!.when + 5,
          hash: "x",
          hasDown: true,
          up: "SELECT 1",
          down: "SELECT 1",
        },
      ];
      const pending = await migrationStatus(db.pool, withNew);
      expect(pending.pending).toEqual(["9998_next"]);
      expect(pending.ready).toBe(false);

      const noDown = [...files, { ...withNew.at(-1)!, down: undefined, hasDown: false }];
      await expect(applyMigrations(db.pool, noDown)).rejects.toThrow(
        /without a down file: drizzle\/9998_next.down.sql/,
      );

      // Known to the database but not to this code: unknown, not ready.
      const older = await migrationStatus(db.pool, files.slice(0, -1));
      expect(older.unknown).toEqual([files.at(-1)!.when]);
      expect(older.ready).toBe(false);
      // …and this code does not revert under it: its own newest migration may be what the unknown one needs.
      await expect(revertMigrations(db.pool, 1, files.slice(0, -1))).rejects.toThrow(
        /migrations this code does not know.*revert them with the code that applied them/,
      );
      expect((await migrationStatus(db.pool, files)).applied).toEqual(files.map((f) => f.tag));
    } finally {
      await db.end();
    }
  });
});

// Uses the PostgreSQL 15 server directly: the db project runs it, db-native would only repeat it.
describe.skipIf(databaseTarget === "native")(
  "migrations on PostgreSQL 15 where pgvector cannot be created",
  () => {
    it("fail with a message naming the extension and change nothing", async () => {
      // The role owns its database but is no superuser: pgvector is installed, yet not creatable by it.
      const db = await openPg15Database("nexus_test_no_pgvector", 2, { owner: PG15_UNPRIVILEGED_ROLE });
      try {
        const before = await catalogSnapshot(db.pool);
        expect(before.filter((line) => line.startsWith("ext "))).toEqual(["ext plpgsql:1.0"]);
        await expect(applyMigrations(db.pool, files)).rejects.toThrow(
          /0000_extensions failed and was rolled back: permission denied to create extension "vector"/,
        );
        expect(await catalogSnapshot(db.pool)).toEqual(before);
        const { rows } = await db.pool.query(
          "select count(*)::int as n from pg_namespace where nspname = 'drizzle'",
        );
        expect(rows[0].n).toBe(0);
      } finally {
        await db.end();
      }
    });
  },
);
