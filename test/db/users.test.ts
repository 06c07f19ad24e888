import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import {
  authors,
  emails,
  localUserCredentials,
  mailingLists,
  notificationCursors,
  notifications,
  threads,
  userProfiles,
  userRefreshTokens,
  users,
  userThreadFollows,
} from "../../db/schema";
import { openTestDatabase } from "../helpers/db";

let database: Database;
beforeAll(() => {
  database = openTestDatabase("users_fixtures");
});
afterAll(() => database.end());

/** A user with every kind of dependent row: credentials, profile, tokens, a follow, a notification, a cursor. */
async function seedUser(email: string) {
  const { db } = database;
  const [list] = await db
    .insert(mailingLists)
    .values({ slug: `l-${email.split("@")[0]}`, name: "List" })
    .returning();
  const [author] = await db
    .insert(authors)
    .values({ email: `author-${email}`, canonicalName: "A" })
    .returning();
  const [mail] = await db
    .insert(emails)
    .values({
      mailingListId: list!.id,
      messageId: `m-${email}`,
      authorId: author!.id,
      subject: "s",
      date: new Date(),
    })
    .returning();
  const [thread] = await db
    .insert(threads)
    .values({
      mailingListId: list!.id,
      rootMessageId: `m-${email}`,
      rootEmailId: mail!.id,
      startDate: new Date(),
      lastDate: new Date(),
      messageCount: 1,
    })
    .returning();
  const [user] = await db
    .insert(users)
    .values({ authProvider: "local", email, displayName: "U" })
    .returning();
  const id = user!.id;
  await db.insert(localUserCredentials).values({ userId: id, passwordHash: "argon2id$..." });
  await db.insert(userProfiles).values({ userId: id });
  await db.insert(userRefreshTokens).values([
    { userId: id, hashedToken: `t1-${email}`, expiresAt: new Date(Date.now() + 86_400_000) },
    {
      userId: id,
      hashedToken: `t2-${email}`,
      expiresAt: new Date(Date.now() + 2 * 86_400_000),
      deviceFingerprint: "fp",
    },
  ]);
  await db.insert(userThreadFollows).values({ userId: id, threadId: thread!.id, level: "watch" });
  await db
    .insert(notifications)
    .values({ userId: id, type: "new_reply", threadId: thread!.id, emailId: mail!.id });
  await db
    .insert(notificationCursors)
    .values({ userId: id, threadId: thread!.id, lastSeenEmailId: mail!.id });
  return { id, threadId: thread!.id, emailId: mail!.id };
}

async function dependents(userId: number) {
  const { db } = database;
  const n = async (table: any, column: any) =>
    (await db.select({ n: count() }).from(table).where(eq(column, userId)))[0]!.n;
  return {
    credentials: await n(localUserCredentials, localUserCredentials.userId),
    profiles: await n(userProfiles, userProfiles.userId),
    tokens: await n(userRefreshTokens, userRefreshTokens.userId),
    follows: await n(userThreadFollows, userThreadFollows.userId),
    notifications: await n(notifications, notifications.userId),
    cursors: await n(notificationCursors, notificationCursors.userId),
  };
}

describe("users and their dependent rows", () => {
  it("defaults fill in: role user, token_version 0, empty preferences, uuid token ids", async () => {
    const { id } = await seedUser("defaults@example.org");
    const [user] = await database.db.select().from(users).where(eq(users.id, id));
    expect(user).toMatchObject({ role: "user", disabled: false, tokenVersion: 0 });
    const [profile] = await database.db.select().from(userProfiles).where(eq(userProfiles.userId, id));
    expect(profile!.preferences).toEqual({});
    const tokens = await database.db.select().from(userRefreshTokens).where(eq(userRefreshTokens.userId, id));
    expect(tokens.map((t) => t.id)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^[0-9a-f-]{36}$/)]),
    );
    const [cred] = await database.db
      .select()
      .from(localUserCredentials)
      .where(eq(localUserCredentials.userId, id));
    expect(cred!.failedAttempts).toBe(0);
  });

  it("deleting a user cascades to every dependent table and leaves other users alone", async () => {
    const gone = await seedUser("gone@example.org");
    const kept = await seedUser("kept@example.org");
    expect(Object.values(await dependents(gone.id))).toEqual([1, 1, 2, 1, 1, 1]);
    await database.db.delete(users).where(eq(users.id, gone.id));
    expect(await dependents(gone.id)).toEqual({
      credentials: 0,
      profiles: 0,
      tokens: 0,
      follows: 0,
      notifications: 0,
      cursors: 0,
    });
    expect(Object.values(await dependents(kept.id))).toEqual([1, 1, 2, 1, 1, 1]);
  });

  it("deleting an email clears cursors that pointed at it and removes its notifications", async () => {
    const u = await seedUser("cursor@example.org");
    await database.pool.query("update threads set root_email_id = null where id = $1", [u.threadId]);
    await database.db.delete(emails).where(eq(emails.id, u.emailId));
    const [cursor] = await database.db
      .select()
      .from(notificationCursors)
      .where(eq(notificationCursors.userId, u.id));
    expect(cursor!.lastSeenEmailId).toBeNull();
    expect((await dependents(u.id)).notifications).toBe(0);
  });

  it("constraints reject bad rows: duplicate email, oidc user without identity, unknown enum, dangling FK", async () => {
    await seedUser("unique@example.org");
    const { pool } = database;
    await expect(
      pool.query("insert into users (auth_provider, email) values ('local', 'unique@example.org')"),
    ).rejects.toThrow(/users_email_unique|duplicate key/);
    await expect(
      pool.query("insert into users (auth_provider, email) values ('oidc', 'o@example.org')"),
    ).rejects.toThrow(/users_oidc_identity_check/);
    await expect(
      pool.query("insert into users (auth_provider, email, role) values ('local', 'r@example.org', 'root')"),
    ).rejects.toThrow(/invalid input value for enum/);
    await expect(pool.query("insert into user_profiles (user_id) values (999999)")).rejects.toThrow(
      /foreign key/,
    );
    await expect(
      pool.query("insert into user_thread_follows (user_id, thread_id, level) values (1, 1, 'ignore')"),
    ).rejects.toThrow(/invalid input value for enum/);
  });
});
