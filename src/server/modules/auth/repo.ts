// SQL for sessions, refresh tokens, mail tokens and linked identities.
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { identities, mailTokens, refreshTokens, sessions, type TOKEN_PURPOSES } from '../../db/schema.ts';

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

/** Revokes every live session of the user; returns their ids. */
export async function revokeAllSessions(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

export async function insertMailToken(
  db: Db,
  input: { tokenHash: string; userId: string; purpose: MailTokenPurpose; expiresAt: Date },
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
  const [row] = await db
    .update(mailTokens)
    .set({ usedAt: new Date() })
    .where(liveMailToken(tokenHash, purpose))
    .returning({ userId: mailTokens.userId });
  return row?.userId;
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
