import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  unique,
} from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { emails } from "./emails";
import { mailingLists } from "./lists";

/** A JWZ thread of one list, keyed by its root message id (which may be a phantom). */
export const threads = pgTable(
  "threads",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    mailingListId: bigint("mailing_list_id", { mode: "number" })
      .notNull()
      .references(() => mailingLists.id, { onDelete: "cascade" }),
    rootMessageId: text("root_message_id").notNull(),
    /** NULL when the root is a phantom (referenced, not archived). */
    rootEmailId: bigint("root_email_id", { mode: "number" }).references(() => emails.id, {
      onDelete: "set null",
    }),
    subject: text("subject").notNull().default(""),
    startDate: timestamptz("start_date").notNull(),
    lastDate: timestamptz("last_date").notNull(),
    messageCount: integer("message_count").notNull().default(0),
    hasPatches: boolean("has_patches").notNull().default(false),
    /** Hash of the membership (message ids, parents, order): unchanged hash = nothing to rewrite. */
    membershipHash: text("membership_hash"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    unique("threads_list_root_message_id_key").on(t.mailingListId, t.rootMessageId),
    index("threads_list_last_date_idx").on(t.mailingListId, t.lastDate.desc().nullsFirst()),
    index("threads_root_email_idx").on(t.rootEmailId),
    check("threads_message_count_check", sql`${t.messageCount} >= 0`),
  ],
);

/** The tree of a thread, one row per message id in walk order. */
export const threadMemberships = pgTable(
  "thread_memberships",
  {
    threadId: bigint("thread_id", { mode: "number" })
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    messageId: text("message_id").notNull(),
    /** NULL = phantom: a message referenced but not in the archive. */
    emailId: bigint("email_id", { mode: "number" }).references(() => emails.id, { onDelete: "cascade" }),
    parentMessageId: text("parent_message_id"),
    depth: integer("depth").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [
    primaryKey({ name: "thread_memberships_pkey", columns: [t.threadId, t.messageId] }),
    index("thread_memberships_email_idx").on(t.emailId),
    check("thread_memberships_depth_check", sql`${t.depth} >= 0`),
    check("thread_memberships_position_check", sql`${t.position} >= 0`),
  ],
);
