import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  unique,
  vector,
} from "drizzle-orm/pg-core";
import { authors } from "./authors";
import { bytea, timestamptz, tsvector } from "./columns";
import { mailingLists } from "./lists";

export const patchType = pgEnum("patch_type", ["none", "inline", "attachment"]);
export const recipientKind = pgEnum("recipient_kind", ["to", "cc"]);

/** Dimensions of emails.embedding (the embedding model's output size). */
export const EMBEDDING_DIMENSIONS = 384;

/**
 * One version of a patch series ("[PATCH v3 0/7] …"). `seriesKey` identifies this version within the list;
 * `lineageKey` (normalised subject + author) links v1, v2, v3 … of the same work.
 */
export const patchSeries = pgTable(
  "patch_series",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    mailingListId: bigint("mailing_list_id", { mode: "number" })
      .notNull()
      .references(() => mailingLists.id, { onDelete: "cascade" }),
    seriesKey: text("series_key").notNull(),
    lineageKey: text("lineage_key").notNull(),
    /** vN of the subject; 0 is a version ("[PATCH v0]"), 1 when none is given */
    version: integer("version").notNull().default(1),
    /** the version as written when it is more than vN ("v2.1"); NULL otherwise */
    versionLabel: text("version_label"),
    total: integer("total"),
    title: text("title").notNull(),
    authorId: bigint("author_id", { mode: "number" })
      .notNull()
      .references(() => authors.id),
    coverEmailId: bigint("cover_email_id", { mode: "number" }).references((): AnyPgColumn => emails.id, {
      onDelete: "set null",
    }),
    firstDate: timestamptz("first_date"),
    lastDate: timestamptz("last_date"),
    patchCount: integer("patch_count").notNull().default(0),
  },
  (t) => [
    unique("patch_series_list_series_key_key").on(t.mailingListId, t.seriesKey),
    index("patch_series_list_lineage_idx").on(t.mailingListId, t.lineageKey),
    index("patch_series_author_idx").on(t.authorId),
    check("patch_series_version_check", sql`${t.version} >= 0`),
    check("patch_series_total_check", sql`${t.total} IS NULL OR ${t.total} >= 1`),
    check("patch_series_patch_count_check", sql`${t.patchCount} >= 0`),
  ],
);

/** One message of a list. The original bytes live in email_sources. */
export const emails = pgTable(
  "emails",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    mailingListId: bigint("mailing_list_id", { mode: "number" })
      .notNull()
      .references(() => mailingLists.id, { onDelete: "cascade" }),
    messageId: text("message_id").notNull(),
    /** The public-inbox git commit the message came from (NULL for mbox / HTTP imports). */
    sourceCommit: text("source_commit"),
    /** public-inbox v2 epoch (N of N.git). */
    epoch: integer("epoch"),
    authorId: bigint("author_id", { mode: "number" })
      .notNull()
      .references(() => authors.id),
    subject: text("subject").notNull().default(""),
    normalizedSubject: text("normalized_subject").notNull().default(""),
    date: timestamptz("date").notNull(),
    /** True when the Date header was missing or unparseable and `date` came from elsewhere. */
    dateIsFallback: boolean("date_is_fallback").notNull().default(false),
    inReplyTo: text("in_reply_to"),
    body: text("body").notNull().default(""),
    seriesId: bigint("series_id", { mode: "number" }).references(() => patchSeries.id, {
      onDelete: "set null",
    }),
    seriesNumber: integer("series_number"),
    seriesTotal: integer("series_total"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    threadedAt: timestamptz("threaded_at"),
    patchType: patchType("patch_type").notNull().default("none"),
    isPatchOnly: boolean("is_patch_only").notNull().default(false),
    patchMetadata: jsonb("patch_metadata"),
    /**
     * patch_paths(patch_metadata) kept with the row (migration 0006 defines the function): dfn:'s trigram index
     * narrows to candidates, and each is checked against this short text instead of unpacking its JSON again
     * (40 µs a candidate: dfn:kernel/debug took 6 s at a million messages).
     */
    patchPathList: text("patch_path_list").generatedAlwaysAs(sql`patch_paths(patch_metadata)`),
    /**
     * `git patch-id --stable` of the patch's diff (40 hex), the `patchid:` search. '' for a patch whose text holds
     * no diff git would hash; NULL for non-patches, and for patches stored before migration 0008 until the cron
     * backfill (functions/ingest/patch-id-task.ts) computes it.
     */
    patchId: text("patch_id"),
    embedding: vector("embedding", { dimensions: EMBEDDING_DIMENSIONS }),
    lexTs: tsvector("lex_ts"),
    bodyTs: tsvector("body_ts"),
    /** Version of the text recipe that built lex_ts/body_ts; NULL = not built yet. */
    searchVersion: smallint("search_version"),
  },
  (t) => [
    unique("emails_list_message_id_key").on(t.mailingListId, t.messageId),
    index("emails_list_date_idx").on(t.mailingListId, t.date.desc().nullsFirst()),
    // an author's messages newest first: author pages, f:, fuzzy search's authors (db/queries/search.ts)
    index("emails_author_date_idx").on(t.authorId, t.date.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("emails_list_in_reply_to_idx").on(t.mailingListId, t.inReplyTo),
    // an author's messages in one list newest first, and their count by an index-only scan: the author's page of a
    // list (db/queries/emails.ts listEmails), f: and fuzzy search's authors within a list
    index("emails_author_list_date_idx").on(
      t.authorId,
      t.mailingListId,
      t.date.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    // threading's subject rule looks up same-subject neighbours (functions/ingest/threads.ts)
    index("emails_list_normalized_subject_idx").on(t.mailingListId, t.normalizedSubject),
    index("emails_series_idx").on(t.seriesId),
    index("emails_unthreaded_idx").on(t.mailingListId, t.id).where(sql`${t.threadedAt} IS NULL`),
    // The backfill takes stale rows from the front of this index: NULL first, then each older recipe version.
    index("emails_search_version_idx").on(t.searchVersion, t.id),
    // The text indexes also key each message by its list's 30-day bucket of time (btree_gin; migration 0019
    // defines search_bucket): a search takes a mid-density word's newest matches month by month, newest first,
    // reading only those months' rows (db/queries/search.ts newestPath). Alone, `lex_ts @@ q` uses them as before.
    index("emails_lex_ts_idx").using("gin", sql`search_bucket(${t.mailingListId}, ${t.date})`, t.lexTs),
    index("emails_body_ts_idx").using("gin", sql`search_bucket(${t.mailingListId}, ${t.date})`, t.bodyTs),
    // Each pair of words side by side in subject, author or body (search_pairs, migration 0020), by month too: a
    // phrase's messages straight from the index, where the vectors' indexes give every message holding its words
    // and each must be read to test their positions (functions/search/query-sql.ts phraseNarrowing).
    index("emails_pairs_idx").using(
      "gin",
      sql`search_bucket(${t.mailingListId}, ${t.date})`,
      sql`search_pairs(${t.lexTs}, ${t.bodyTs})`,
    ),
    // GiST, not GIN: fuzzy search asks for the subjects nearest the text (ORDER BY subject <->> text LIMIT n),
    // which only GiST answers without scoring every subject that shares a trigram with it. siglen=256 bytes of
    // trigram signature per inner entry: with the default 12 every inner entry had all bits set, nothing was
    // pruned, and a text that matches no subject read the whole index (40,000 pages, 283 ms at a million
    // messages); now 2,300 pages (14 ms). 1024 was no faster.
    index("emails_subject_trgm_idx").using("gist", t.subject.op("gist_trgm_ops(siglen=256)")),
    // dfn: (a file touched by a patch) matches the paths patch_path_list lists, by trigrams
    // (functions/search/query-sql.ts touchesFile)
    index("emails_patch_paths_trgm_idx")
      .using("gin", t.patchPathList.op("gin_trgm_ops"))
      .where(sql`${t.patchPathList} IS NOT NULL`),
    // a list's patches newest first: dfn: walks them (testing each one's paths) when the file's patches are many,
    // instead of fetching all of them from the trigram index to keep the newest (db/queries/search.ts walksDateIndex)
    index("emails_list_patch_date_idx")
      .on(t.mailingListId, t.date.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.patchPathList} IS NOT NULL`),
    // patchid: looks a patch up by its stable id (lore's "the same patch in another version or list")
    index("emails_patch_id_idx").on(t.patchId).where(sql`${t.patchId} IS NOT NULL`),
    // a thread download also holds the messages of the same subject, as public-inbox's does (db/queries/lore.ts;
    // migration 0008 defines thread_subject_key)
    index("emails_list_thread_subject_key_idx").on(t.mailingListId, sql`thread_subject_key(${t.subject})`),
    // the cron backfill takes patches still without an id (rows from before migration 0008) from this index
    index("emails_patch_id_missing_idx")
      .on(t.id)
      .where(sql`${t.patchId} IS NULL AND ${t.patchType} <> 'none'`),
    check("emails_epoch_check", sql`${t.epoch} IS NULL OR ${t.epoch} >= 0`),
    check(
      "emails_series_position_check",
      sql`(${t.seriesNumber} IS NULL OR ${t.seriesNumber} >= 0) AND (${t.seriesTotal} IS NULL OR ${t.seriesTotal} >= 1)`,
    ),
  ],
);

/** The original message bytes, gzip-compressed, kept apart so scans of emails stay narrow. */
export const emailSources = pgTable(
  "email_sources",
  {
    emailId: bigint("email_id", { mode: "number" })
      .primaryKey()
      .references(() => emails.id, { onDelete: "cascade" }),
    raw: bytea("raw").notNull(),
    /** Size of the uncompressed message in bytes. */
    rawSize: integer("raw_size").notNull(),
    /** Hex SHA-256 of the uncompressed message. */
    rawSha256: text("raw_sha256").notNull(),
  },
  (t) => [check("email_sources_raw_size_check", sql`${t.rawSize} >= 0`)],
);

/**
 * To/Cc addresses of a message: one row per header kind, the authors in header order. An array rather than a
 * row per address: kernel mail averages 19 recipients, and a row each (with its two foreign-key checks) was a
 * quarter of the import's database time. Postgres has no foreign keys on array elements; authors are never
 * deleted, and the importer resolves every address to an author in the same transaction.
 */
export const emailRecipients = pgTable(
  "email_recipients",
  {
    emailId: bigint("email_id", { mode: "number" })
      .notNull()
      .references(() => emails.id, { onDelete: "cascade" }),
    kind: recipientKind("kind").notNull(),
    authorIds: bigint("author_ids", { mode: "number" }).array().notNull(),
  },
  (t) => [
    primaryKey({ name: "email_recipients_pkey", columns: [t.emailId, t.kind] }),
    index("email_recipients_author_ids_idx").using("gin", t.authorIds),
    check("email_recipients_author_ids_check", sql`cardinality(${t.authorIds}) > 0`),
  ],
);

/** The References header of a message, oldest ancestor first. */
export const emailReferences = pgTable(
  "email_references",
  {
    emailId: bigint("email_id", { mode: "number" })
      .notNull()
      .references(() => emails.id, { onDelete: "cascade" }),
    referencedMessageId: text("referenced_message_id").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [
    primaryKey({ name: "email_references_pkey", columns: [t.emailId, t.position] }),
    index("email_references_referenced_message_id_idx").on(t.referencedMessageId),
    check("email_references_position_check", sql`${t.position} >= 0`),
  ],
);
