// SQL the account needs beyond the other modules': the mail kept for the user's address.
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { outbox, users } from '../../db/schema.ts';

/** Mail kept in the outbox for the user's current address, oldest first. */
export async function mailTo(db: Db, userId: string) {
  return db
    .select({ to: outbox.to, subject: outbox.subject, text: outbox.text, createdAt: outbox.createdAt })
    .from(outbox)
    .innerJoin(users, eq(users.email, outbox.to))
    .where(eq(users.id, userId))
    .orderBy(asc(outbox.createdAt));
}
