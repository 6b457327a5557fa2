// SQL for user accounts.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { outbox, users, type Role } from '../../db/schema.ts';

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
      | 'handle'
      | 'role'
      | 'passwordHash'
      | 'emailVerifiedAt'
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
 * Deletes the account and everything it owns in one transaction: the user row (progress, study
 * sessions, sessions, tokens and identities go with it by cascade) and mail kept for its address.
 */
export async function remove(db: Db, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(users).where(eq(users.id, id)).returning({ email: users.email });
    if (!row) return false;
    await tx.delete(outbox).where(eq(outbox.to, row.email));
    return true;
  });
}
