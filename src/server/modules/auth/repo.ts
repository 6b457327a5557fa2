// SQL for sessions, refresh tokens, mail tokens and linked identities.
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  identities,
  mailTokens,
  refreshTokens,
  sessions,
  users,
  type Role,
  type TOKEN_PURPOSES,
} from '../../db/schema.ts';

export type MailTokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** A new session with its first refresh token, in one transaction. */
export async function createSession(
  db: Db,
  input: { userId: string; userAgent: string | undefined; tokenHash: string; expiresAt: Date },
): Promise<string> {
  return db.transaction(async (tx) => {
    const [session] = await tx
      .insert(sessions)
      .values({ userId: input.userId, userAgent: input.userAgent?.slice(0, 300) ?? null })
      .returning({ id: sessions.id });
    await tx
      .insert(refreshTokens)
      .values({ tokenHash: input.tokenHash, sessionId: session!.id, expiresAt: input.expiresAt });
    return session!.id;
  });
}

export interface RefreshTokenRow {
  sessionId: string;
  userId: string;
  spentAt: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
}

export async function findRefreshToken(db: Db, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  const [row] = await db
    .select({
      sessionId: refreshTokens.sessionId,
      userId: sessions.userId,
      spentAt: refreshTokens.spentAt,
      expiresAt: refreshTokens.expiresAt,
      revokedAt: sessions.revokedAt,
    })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, tokenHash));
  return row;
}

/**
 * Spends `oldHash` and stores its successor, atomically. Returns false when the old token was
 * already spent — by a concurrent refresh that won the race — so the caller treats it as reuse.
 */
export async function rotateRefreshToken(
  db: Db,
  input: { sessionId: string; oldHash: string; newHash: string; expiresAt: Date },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const spent = await tx
      .update(refreshTokens)
      .set({ spentAt: now })
      .where(and(eq(refreshTokens.tokenHash, input.oldHash), isNull(refreshTokens.spentAt)))
      .returning({ hash: refreshTokens.tokenHash });
    if (spent.length === 0) return false;
    await tx
      .insert(refreshTokens)
      .values({ tokenHash: input.newHash, sessionId: input.sessionId, expiresAt: input.expiresAt });
    await tx.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, input.sessionId));
    return true;
  });
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Revokes one live session of this user; false when the user has no such live session. */
export async function revokeUserSession(db: Db, userId: string, sessionId: string): Promise<boolean> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/** Revokes every live session of the user (but `except`); returns their ids. */
export async function revokeAllSessions(db: Db, userId: string, except?: string): Promise<string[]> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        ...(except ? [ne(sessions.id, except)] : []),
      ),
    )
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

/**
 * What an access token's session is now: whether it was revoked, and its user's current role.
 * Undefined when the session (or its user) no longer exists.
 */
export async function findSessionState(
  db: Db,
  sessionId: string,
  userId: string,
): Promise<{ revoked: boolean; role: Role } | undefined> {
  const [row] = await db
    .select({ revokedAt: sessions.revokedAt, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)));
  return row ? { revoked: row.revokedAt !== null, role: row.role } : undefined;
}

export interface SessionRow {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  userAgent: string | null;
}

/** The user's live sessions (not revoked, a refresh token not yet expired), last used first. */
export async function listLiveSessions(db: Db, userId: string): Promise<SessionRow[]> {
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastUsedAt: sessions.lastUsedAt,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        sql`exists (select 1 from ${refreshTokens} t where t.session_id = ${sessions.id} and t.spent_at is null and t.expires_at > now())`,
      ),
    )
    .orderBy(desc(sessions.lastUsedAt), sessions.id);
}

/** Every session of the user with its state (the export). */
export async function allSessions(db: Db, userId: string) {
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastUsedAt: sessions.lastUsedAt,
      userAgent: sessions.userAgent,
      revokedAt: sessions.revokedAt,
    })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(sessions.createdAt);
}

/** Linked sign-in identities of the user (the export). */
export async function userIdentities(db: Db, userId: string) {
  return db
    .select({
      provider: identities.provider,
      subject: identities.subject,
      email: identities.email,
      createdAt: identities.createdAt,
    })
    .from(identities)
    .where(eq(identities.userId, userId))
    .orderBy(identities.createdAt);
}

/** Spends every live token of this purpose of the user (a finished reset voids the others). */
export async function voidMailTokens(db: Db, userId: string, purpose: MailTokenPurpose): Promise<void> {
  await db
    .update(mailTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(mailTokens.userId, userId), eq(mailTokens.purpose, purpose), isNull(mailTokens.usedAt)));
}

export async function insertMailToken(
  db: Db,
  input: {
    tokenHash: string;
    userId: string;
    purpose: MailTokenPurpose;
    expiresAt: Date;
    newEmail?: string | null;
  },
): Promise<void> {
  await db.insert(mailTokens).values(input);
}

const liveMailToken = (tokenHash: string, purpose: MailTokenPurpose) =>
  and(
    eq(mailTokens.tokenHash, tokenHash),
    eq(mailTokens.purpose, purpose),
    isNull(mailTokens.usedAt),
    gt(mailTokens.expiresAt, sql`now()`),
  );

/** The user of a live (unused, unexpired) token of this purpose, without using it. */
export async function findMailTokenUser(
  db: Db,
  tokenHash: string,
  purpose: MailTokenPurpose,
): Promise<string | undefined> {
  const [row] = await db
    .select({ userId: mailTokens.userId })
    .from(mailTokens)
    .where(liveMailToken(tokenHash, purpose));
  return row?.userId;
}

/** Marks a live token of this purpose used and returns its user; undefined if none. */
export async function consumeMailToken(
  db: Db,
  tokenHash: string,
  purpose: MailTokenPurpose,
): Promise<string | undefined> {
  return (await consumeMailTokenRow(db, tokenHash, purpose))?.userId;
}

/** consumeMailToken, with the address an `email_change` token carries. */
export async function consumeMailTokenRow(
  db: Db,
  tokenHash: string,
  purpose: MailTokenPurpose,
): Promise<{ userId: string; newEmail: string | null } | undefined> {
  const [row] = await db
    .update(mailTokens)
    .set({ usedAt: new Date() })
    .where(liveMailToken(tokenHash, purpose))
    .returning({ userId: mailTokens.userId, newEmail: mailTokens.newEmail });
  return row;
}

export async function findIdentity(db: Db, provider: string, subject: string): Promise<string | undefined> {
  const [row] = await db
    .select({ userId: identities.userId })
    .from(identities)
    .where(and(eq(identities.provider, provider), eq(identities.subject, subject)));
  return row?.userId;
}

export async function linkIdentity(
  db: Db,
  input: { provider: string; subject: string; userId: string; email: string | null },
): Promise<void> {
  await db.insert(identities).values(input).onConflictDoNothing();
}
