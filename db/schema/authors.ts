import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  unique,
} from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { mailingLists } from "./lists";

/** A sender, identified by address. Addresses are stored lower-cased so lookups need no lower(). */
export const authors = pgTable(
  "authors",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    email: text("email").notNull().unique(),
    canonicalName: text("canonical_name"),
    firstSeen: timestamptz("first_seen"),
    lastSeen: timestamptz("last_seen"),
  },
  (t) => [
    check("authors_email_lower_case", sql`${t.email} = lower(${t.email})`),
    index("authors_email_trgm_idx").using("gin", t.email.op("gin_trgm_ops")),
    index("authors_canonical_name_trgm_idx").using("gin", t.canonicalName.op("gin_trgm_ops")),
  ],
);

/** Every display name an address has used, with how often. */
export const authorNameAliases = pgTable(
  "author_name_aliases",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    authorId: bigint("author_id", { mode: "number" })
      .notNull()
      .references(() => authors.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    usageCount: integer("usage_count").notNull().default(1),
    firstSeen: timestamptz("first_seen"),
    lastSeen: timestamptz("last_seen"),
  },
  (t) => [
    unique("author_name_aliases_author_name_key").on(t.authorId, t.name),
    check("author_name_aliases_usage_count_check", sql`${t.usageCount} >= 1`),
  ],
);

/** Per-list activity of an author, maintained by the importer and the threader. */
export const authorMailingListActivity = pgTable(
  "author_mailing_list_activity",
  {
    authorId: bigint("author_id", { mode: "number" })
      .notNull()
      .references(() => authors.id, { onDelete: "cascade" }),
    mailingListId: bigint("mailing_list_id", { mode: "number" }).notNull(),
    firstEmailDate: timestamptz("first_email_date"),
    lastEmailDate: timestamptz("last_email_date"),
    emailCount: integer("email_count").notNull().default(0),
    threadCount: integer("thread_count").notNull().default(0),
  },
  (t) => [
    primaryKey({ name: "author_mailing_list_activity_pkey", columns: [t.authorId, t.mailingListId] }),
    // Named by hand: the generated name would exceed Postgres' 63-character limit and be truncated.
    foreignKey({
      name: "author_mailing_list_activity_list_fk",
      columns: [t.mailingListId],
      foreignColumns: [mailingLists.id],
    }).onDelete("cascade"),
    index("author_mailing_list_activity_list_idx").on(t.mailingListId),
    check("author_mailing_list_activity_counts_check", sql`${t.emailCount} >= 0 AND ${t.threadCount} >= 0`),
  ],
);
