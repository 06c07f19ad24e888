import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  apiTokens,
  localUserCredentials,
  loginThrottle,
  userProfiles,
  userRefreshTokens,
  users,
} from "../schema/users";

/** Accounts: sign-in state, refresh-token families and personal API tokens. Secrets arrive here hashed. */

const userColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  role: users.role,
  disabled: users.disabled,
  tokenVersion: users.tokenVersion,
};

export type AccountUser = { id: number; email: string; displayName: string | null; role: "admin" | "user" };

export async function findUserById(db: Db, id: number) {
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

/** The user signing in with `email` (any case) and their password state, or null. */
export async function findLoginUser(db: Db, email: string) {
  const [row] = await db
    .select({
      ...userColumns,
      passwordHash: localUserCredentials.passwordHash,
      failedAttempts: localUserCredentials.failedAttempts,
      lockedUntil: localUserCredentials.lockedUntil,
    })
    .from(users)
    .innerJoin(localUserCredentials, eq(localUserCredentials.userId, users.id))
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  return row ?? null;
}

/** Failures before the account locks, and the longest lock. */
export const LOCK_AFTER = 5;
const MAX_LOCK_MINUTES = 60;

/**
 * A failed password: one more failure; from the LOCK_AFTER-th on, locked for 1, 2, 4 … minutes (at most an
 * hour), counted from now.
 */
export async function recordLoginFailure(db: Db, userId: number): Promise<void> {
  await db
    .update(localUserCredentials)
    .set({
      failedAttempts: sql`${localUserCredentials.failedAttempts} + 1`,
      lockedUntil: sql`CASE WHEN ${localUserCredentials.failedAttempts} + 1 >= ${LOCK_AFTER}
        THEN now() + least(power(2, ${localUserCredentials.failedAttempts} + 1 - ${LOCK_AFTER}), ${MAX_LOCK_MINUTES}) * interval '1 minute'
        ELSE ${localUserCredentials.lockedUntil} END`,
    })
    .where(eq(localUserCredentials.userId, userId));
}

export async function recordLoginSuccess(db: Db, userId: number): Promise<void> {
  await db
    .update(localUserCredentials)
    .set({ failedAttempts: 0, lockedUntil: null })
    .where(eq(localUserCredentials.userId, userId));
  await db.update(users).set({ lastLoginAt: sql`now()` }).where(eq(users.id, userId));
}

/** Counts one login attempt from `address` in a window of `windowSeconds`; returns the attempts so far. */
export async function countLoginAttempt(db: Db, address: string, windowSeconds: number): Promise<number> {
  const stale = sql`${loginThrottle.windowStart} < now() - ${windowSeconds} * interval '1 second'`;
  const [row] = await db
    .insert(loginThrottle)
    .values({ address, attempts: 1 })
    .onConflictDoUpdate({
      target: loginThrottle.address,
      set: {
        attempts: sql`CASE WHEN ${stale} THEN 1 ELSE ${loginThrottle.attempts} + 1 END`,
        windowStart: sql`CASE WHEN ${stale} THEN now() ELSE ${loginThrottle.windowStart} END`,
      },
    })
    .returning({ attempts: loginThrottle.attempts });
  return row!.attempts;
}

export async function createRefreshToken(
  db: Db,
  userId: number,
  hashedToken: string,
  expiresAt: Date,
  familyId?: string,
): Promise<void> {
  await db
    .insert(userRefreshTokens)
    .values({ userId, hashedToken, expiresAt, ...(familyId ? { familyId } : {}) });
}

/** A rotated token shown again this soon is a race between a user's own tabs, not a replay by someone else. */
export const REUSE_GRACE_SECONDS = 10;

export type RefreshOutcome =
  | { kind: "rotated"; userId: number; familyId: string }
  | { kind: "reused"; userId: number }
  | { kind: "invalid" };

/**
 * Spend a refresh token: the live one is marked rotated (its successor is the caller's to create, in the
 * same family). A token already rotated (more than REUSE_GRACE_SECONDS ago) is a copy someone kept: its whole
 * family is revoked and the user's token_version bumped, which ends every access token of theirs.
 */
export async function spendRefreshToken(db: Db, hashedToken: string): Promise<RefreshOutcome> {
  const [live] = await db
    .update(userRefreshTokens)
    .set({ revokedAt: sql`now()`, rotatedAt: sql`now()`, lastUsedAt: sql`now()` })
    .where(
      and(
        eq(userRefreshTokens.hashedToken, hashedToken),
        isNull(userRefreshTokens.revokedAt),
        gt(userRefreshTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ userId: userRefreshTokens.userId, familyId: userRefreshTokens.familyId });
  if (live) return { kind: "rotated", ...live };
  const [old] = await db
    .select({
      userId: userRefreshTokens.userId,
      familyId: userRefreshTokens.familyId,
      rotatedAt: userRefreshTokens.rotatedAt,
      justRotated: sql<boolean>`${userRefreshTokens.rotatedAt} > now() - ${REUSE_GRACE_SECONDS} * interval '1 second'`,
    })
    .from(userRefreshTokens)
    .where(eq(userRefreshTokens.hashedToken, hashedToken))
    .limit(1);
  // two tabs refreshing at once spend the same token: the second is refused, not taken for a theft
  if (!old?.rotatedAt || old.justRotated) return { kind: "invalid" };
  await db
    .update(userRefreshTokens)
    .set({ revokedAt: sql`coalesce(${userRefreshTokens.revokedAt}, now())` })
    .where(eq(userRefreshTokens.familyId, old.familyId));
  await bumpTokenVersion(db, old.userId);
  return { kind: "reused", userId: old.userId };
}

export async function revokeRefreshToken(db: Db, hashedToken: string): Promise<void> {
  await db
    .update(userRefreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(userRefreshTokens.hashedToken, hashedToken), isNull(userRefreshTokens.revokedAt)));
}

/** Sign out everywhere: every refresh token revoked, every access token ended (token_version). */
export async function revokeAllSessions(db: Db, userId: number): Promise<void> {
  await db
    .update(userRefreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(userRefreshTokens.userId, userId), isNull(userRefreshTokens.revokedAt)));
  await bumpTokenVersion(db, userId);
}

async function bumpTokenVersion(db: Db, userId: number): Promise<void> {
  await db
    .update(users)
    .set({ tokenVersion: sql`${users.tokenVersion} + 1` })
    .where(eq(users.id, userId));
}

const apiTokenColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  scope: apiTokens.scope,
  createdAt: apiTokens.createdAt,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
};

export async function createApiToken(
  db: Db,
  values: {
    userId: number;
    name: string;
    scope: "read" | "admin";
    hashedToken: string;
    expiresAt: Date | null;
  },
) {
  const [row] = await db.insert(apiTokens).values(values).returning(apiTokenColumns);
  return row!;
}

export async function listApiTokens(db: Db, userId: number) {
  return db
    .select(apiTokenColumns)
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

export async function revokeApiToken(db: Db, userId: number, id: number): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

/** The live token with this hash and its user (marked used), or null. */
export async function useApiToken(db: Db, hashedToken: string) {
  const [row] = await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .from(users)
    .where(
      and(
        eq(apiTokens.hashedToken, hashedToken),
        eq(users.id, apiTokens.userId),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
      ),
    )
    .returning({ scope: apiTokens.scope, userId: users.id, role: users.role, disabled: users.disabled });
  return row ?? null;
}

export async function userPreferences(db: Db, userId: number): Promise<Record<string, unknown>> {
  const [row] = await db
    .select({ preferences: userProfiles.preferences })
    .from(userProfiles)
    .where(eq(userProfiles.userId, userId))
    .limit(1);
  return row?.preferences ?? {};
}

/** Change the display name and/or merge preferences (validated by the caller) into the stored ones. */
export async function updateProfile(
  db: Db,
  userId: number,
  change: { displayName?: string | null; preferences?: Record<string, unknown> },
): Promise<void> {
  if (change.displayName !== undefined)
    await db.update(users).set({ displayName: change.displayName }).where(eq(users.id, userId));
  if (change.preferences !== undefined)
    await db
      .insert(userProfiles)
      .values({ userId, preferences: change.preferences })
      .onConflictDoUpdate({
        target: userProfiles.userId,
        set: { preferences: sql`${userProfiles.preferences} || excluded.preferences` },
      });
}
