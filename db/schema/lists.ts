import { sql } from "drizzle-orm";
import { bigint, boolean, check, integer, pgTable, text, unique } from "drizzle-orm/pg-core";
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
  },
  (t) => [check("mailing_lists_slug_format", sql`${t.slug} ~ '^[a-z0-9][a-z0-9._-]*$'`)],
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
