// SQL for user accounts.
import { and, asc, eq, gt, ilike, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { outbox, roadmaps, users, type Role } from '../../db/schema.ts';

export type UserRow = typeof users.$inferSelect;

export async function findById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function findByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  return row;
}

export async function findByHandle(db: Db, handle: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.handle, handle));
  return row;
}

export async function insert(
  db: Db,
  values: {
    email: string;
    displayName: string;
    passwordHash: string | null;
    emailVerifiedAt?: Date | null;
    role?: Role;
  },
): Promise<UserRow> {
  const [row] = await db.insert(users).values(values).returning();
  return row!;
}

export async function update(
  db: Db,
  id: string,
  values: Partial<
    Pick<
      UserRow,
      | 'displayName'
      | 'timezone'
      | 'dailyGoalMinutes'
      | 'publicProfile'
      | 'streakFreezes'
      | 'handle'
      | 'reminder'
      | 'weeklyDigest'
      | 'digestDay'
      | 'role'
      | 'passwordHash'
      | 'emailVerifiedAt'
      | 'email'
    >
  >,
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}

/**
 * Deletes the account and everything it owns in one transaction: roadmaps it never published
 * (and its unpublished edits of the ones it did — those stay published, owned by nobody, for
 * admins to look after), the user row (progress, study sessions, sessions, tokens and identities
 * go with it by cascade) and mail kept for its address.
 */
export async function remove(db: Db, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.delete(roadmaps).where(and(eq(roadmaps.ownerId, id), eq(roadmaps.status, 'draft')));
    await tx.update(roadmaps).set({ draft: null }).where(eq(roadmaps.ownerId, id));
    const [row] = await tx.delete(users).where(eq(users.id, id)).returning({ email: users.email });
    if (!row) return false;
    await tx.delete(outbox).where(eq(outbox.to, row.email));
    return true;
  });
}

/** A page of accounts in email order, optionally those whose email or name contains `q`. */
export async function list(
  db: Db,
  query: { limit: number; afterEmail?: string | undefined; q?: string | undefined },
): Promise<UserRow[]> {
  const conditions: SQL[] = [];
  if (query.afterEmail !== undefined) conditions.push(gt(users.email, query.afterEmail));
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`(${ilike(users.email, pattern)} or ${ilike(users.displayName, pattern)})`);
  }
  return db
    .select()
    .from(users)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(asc(users.email))
    .limit(query.limit);
}
