import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { emails } from "./emails";
import { threads } from "./threads";

export const authProvider = pgEnum("auth_provider", ["oidc", "local", "hybrid"]);
export const userRole = pgEnum("user_role", ["admin", "user"]);
export const followLevel = pgEnum("follow_level", ["watch", "mute"]);
export const notificationType = pgEnum("notification_type", ["new_reply"]);

export const users = pgTable(
  "users",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    authProvider: authProvider("auth_provider").notNull(),
    oidcSub: text("oidc_sub"),
    oidcIss: text("oidc_iss"),
    email: text("email").notNull().unique(),
    displayName: text("display_name"),
    role: userRole("role").notNull().default("user"),
    disabled: boolean("disabled").notNull().default(false),
    /** Bumped to invalidate every access token issued before. */
    tokenVersion: integer("token_version").notNull().default(0),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    lastLoginAt: timestamptz("last_login_at"),
  },
  (t) => [
    unique("users_oidc_identity_key").on(t.oidcIss, t.oidcSub),
    check(
      "users_oidc_identity_check",
      sql`${t.authProvider} = 'local' OR (${t.oidcSub} IS NOT NULL AND ${t.oidcIss} IS NOT NULL)`,
    ),
    check("users_token_version_check", sql`${t.tokenVersion} >= 0`),
  ],
);

export const localUserCredentials = pgTable(
  "local_user_credentials",
  {
    userId: bigint("user_id", { mode: "number" })
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    passwordHash: text("password_hash").notNull(),
    passwordUpdatedAt: timestamptz("password_updated_at").notNull().defaultNow(),
    failedAttempts: integer("failed_attempts").notNull().default(0),
    lockedUntil: timestamptz("locked_until"),
    mfaSecret: text("mfa_secret"),
  },
  (t) => [check("local_user_credentials_failed_attempts_check", sql`${t.failedAttempts} >= 0`)],
);

export const userProfiles = pgTable("user_profiles", {
  userId: bigint("user_id", { mode: "number" })
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  preferences: jsonb("preferences").$type<Record<string, unknown>>().notNull().default({}),
});

export const userRefreshTokens = pgTable(
  "user_refresh_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Hash of the token; the token itself is never stored. */
    hashedToken: text("hashed_token").notNull().unique(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
    lastUsedAt: timestamptz("last_used_at"),
    revokedAt: timestamptz("revoked_at"),
    deviceFingerprint: text("device_fingerprint"),
    /** Every token rotated from one sign-in shares it: a rotated token shown again revokes the family. */
    familyId: uuid("family_id").notNull().defaultRandom(),
    /** Set when the token was exchanged for its successor (revoked_at is set too). */
    rotatedAt: timestamptz("rotated_at"),
  },
  (t) => [
    index("user_refresh_tokens_user_expires_idx").on(t.userId, t.expiresAt.desc().nullsFirst()),
    index("user_refresh_tokens_family_idx").on(t.familyId),
  ],
);

export const apiTokenScope = pgEnum("api_token_scope", ["read", "admin"]);

/** Personal API tokens for scripts (`Authorization: Bearer nxp_…`), stored only as SHA-256 hashes. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    scope: apiTokenScope("scope").notNull().default("read"),
    hashedToken: text("hashed_token").notNull().unique(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at"),
    lastUsedAt: timestamptz("last_used_at"),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

/** Login attempts per client address in the current window: the per-address limit. */
export const loginThrottle = pgTable("login_throttle", {
  address: text("address").primaryKey(),
  windowStart: timestamptz("window_start").notNull().defaultNow(),
  attempts: integer("attempts").notNull().default(0),
});

export const userThreadFollows = pgTable(
  "user_thread_follows",
  {
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    threadId: bigint("thread_id", { mode: "number" })
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    level: followLevel("level").notNull().default("watch"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "user_thread_follows_pkey", columns: [t.userId, t.threadId] }),
    index("user_thread_follows_thread_idx").on(t.threadId),
  ],
);

export const notifications = pgTable(
  "notifications",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: notificationType("type").notNull(),
    threadId: bigint("thread_id", { mode: "number" })
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    emailId: bigint("email_id", { mode: "number" }).references(() => emails.id, { onDelete: "cascade" }),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    readAt: timestamptz("read_at"),
  },
  (t) => [
    index("notifications_user_created_idx").on(t.userId, t.createdAt.desc().nullsFirst()),
    index("notifications_thread_idx").on(t.threadId),
    index("notifications_email_idx").on(t.emailId),
    // one notification per user and message, however often or concurrently the message is imported
    uniqueIndex("notifications_user_email_key").on(t.userId, t.emailId),
  ],
);

/** More addresses a user writes from, besides users.email: their own mail to a thread notifies nobody. */
export const userEmailAddresses = pgTable(
  "user_email_addresses",
  {
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** lower-cased, as authors.email */
    email: text("email").notNull(),
  },
  (t) => [primaryKey({ name: "user_email_addresses_pkey", columns: [t.userId, t.email] })],
);

/** How far a user has read a thread. */
export const notificationCursors = pgTable(
  "notification_cursors",
  {
    userId: bigint("user_id", { mode: "number" })
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    threadId: bigint("thread_id", { mode: "number" })
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    lastSeenEmailId: bigint("last_seen_email_id", { mode: "number" }).references(() => emails.id, {
      onDelete: "set null",
    }),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "notification_cursors_pkey", columns: [t.userId, t.threadId] }),
    index("notification_cursors_thread_idx").on(t.threadId),
  ],
);
