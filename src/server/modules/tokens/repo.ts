// SQL for personal access tokens.
import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { personalAccessTokens as pat, users, type Role, type TokenScope } from '../../db/schema.ts';

export type TokenRow = typeof pat.$inferSelect;

export async function insert(
  db: Db,
  input: { userId: string; name: string; scopes: TokenScope[]; tokenHash: string; expiresAt: Date | null },
): Promise<TokenRow> {
  const [row] = await db.insert(pat).values(input).returning();
  return row!;
}

export async function countFor(db: Db, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(pat).where(eq(pat.userId, userId));
  return row!.n;
}

export async function listFor(db: Db, userId: string): Promise<TokenRow[]> {
  return db.select().from(pat).where(eq(pat.userId, userId)).orderBy(desc(pat.createdAt), desc(pat.id));
}

/** Deletes the user's token; whether there was one. */
export async function remove(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(pat)
    .where(and(eq(pat.id, id), eq(pat.userId, userId)))
    .returning({ id: pat.id });
  return rows.length > 0;
}

/** Deletes every token of the user (a password reset); their ids. */
export async function removeAll(db: Db, userId: string): Promise<string[]> {
  const rows = await db.delete(pat).where(eq(pat.userId, userId)).returning({ id: pat.id });
  return rows.map((r) => r.id);
}

export interface TokenState {
  id: string;
  userId: string;
  role: Role;
  scopes: TokenScope[];
  expiresAt: Date | null;
}

/**
 * The live token with this hash, with its owner's role, marking it used at `now` in the same
 * statement (one indexed lookup: `personal_access_tokens_hash_key`).
 */
export async function use(db: Db, tokenHash: string, now: Date): Promise<TokenState | undefined> {
  const [row] = await db
    .update(pat)
    .set({ lastUsedAt: now })
    .from(users)
    .where(
      and(
        eq(pat.tokenHash, tokenHash),
        eq(users.id, pat.userId),
        sql`(${pat.expiresAt} is null or ${pat.expiresAt} > ${now.toISOString()}::timestamptz)`,
      ),
    )
    .returning({
      id: pat.id,
      userId: pat.userId,
      role: users.role,
      scopes: pat.scopes,
      expiresAt: pat.expiresAt,
    });
  return row;
}
