import { sql } from "drizzle-orm";
import { bigint, boolean, check, integer, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";

/** One archived mailing list (e.g. `linux-kernel`, `netdev`). */
export const mailingLists = pgTable(
  "mailing_lists",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    description: text("description"),
    enabled: boolean("enabled").notNull().default(true),
    syncPriority: integer("sync_priority").notNull().default(0),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    lastSyncedAt: timestamptz("last_synced_at"),
    lastThreadedAt: timestamptz("last_threaded_at"),
    /** The public-inbox the list follows (`https://lore.kernel.org/linux-foo/`), or null: see functions/upstream. */
    upstreamUrl: text("upstream_url"),
    /** Seconds between two polls of the upstream by the cron. */
    upstreamPollSeconds: integer("upstream_poll_seconds").notNull().default(300),
    /** High-water mark: everything the upstream received (rt:) before it is stored. */
    upstreamMark: timestamptz("upstream_mark"),
    /** Length of the next catch-up window (adapted to what fits a run). */
    upstreamWindowSeconds: integer("upstream_window_seconds"),
    /** Not polled before this (the poll interval, or a back-off after an error). */
    upstreamNextAt: timestamptz("upstream_next_at"),
    /** A run syncing this list holds it until then (one run per upstream at a time). */
    upstreamLeaseUntil: timestamptz("upstream_lease_until"),
    /** Errors in a row (the back-off grows with them). */
    upstreamFailures: integer("upstream_failures").notNull().default(0),
    /** What the last sync did: GET /admin/v1/lists/:slug/sync. */
    upstreamStatus: jsonb("upstream_status"),
  },
  (t) => [
    check("mailing_lists_slug_format", sql`${t.slug} ~ '^[a-z0-9][a-z0-9._-]*$'`),
    check("mailing_lists_upstream_url_check", sql`${t.upstreamUrl} ~ '^https?://[^/]+/'`),
    check("mailing_lists_upstream_poll_check", sql`${t.upstreamPollSeconds} >= 60`),
  ],
);

/** The git repositories of a list, in order: public-inbox v2 epochs 0.git, 1.git, … */
export const mailingListRepositories = pgTable(
  "mailing_list_repositories",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    mailingListId: bigint("mailing_list_id", { mode: "number" })
      .notNull()
      .references(() => mailingLists.id, { onDelete: "cascade" }),
    repoUrl: text("repo_url").notNull(),
    repoOrder: integer("repo_order").notNull(),
    lastIndexedCommit: text("last_indexed_commit"),
  },
  (t) => [
    unique("mailing_list_repositories_list_order_key").on(t.mailingListId, t.repoOrder),
    check("mailing_list_repositories_repo_order_check", sql`${t.repoOrder} >= 0`),
  ],
);
