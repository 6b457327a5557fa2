// Users: accounts as data — lookups, creation, the profile a user edits, roles an admin sets.
// Sign-in and tokens are the auth module's; it comes here for the account itself.
import type { Database, Db } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { Role } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/errors.ts';
import * as repo from './repo.ts';
import type { ProfilePatch, User } from './schemas.ts';

export type UserRow = repo.UserRow;

/** Trimmed and lower-cased: the one form stored and looked up. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The canonical name of an IANA zone, or undefined when there is no such zone. */
export function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.emailVerifiedAt !== null,
    displayName: row.displayName,
    role: row.role,
    timezone: row.timezone,
    dailyGoalMinutes: row.dailyGoalMinutes,
    publicProfile: row.publicProfile,
    streakFreezes: row.streakFreezes,
    handle: row.handle,
    reminder: row.reminder,
    weeklyDigest: row.weeklyDigest,
    digestDay: row.digestDay,
    createdAt: row.createdAt.toISOString(),
  };
}

export function createUserService(deps: { db: Database }) {
  const { db } = deps;
  /** Told after a profile change that moves notifications (reminders reschedule). */
  const scheduleListeners: Array<(userId: string) => Promise<void>> = [];

  async function get(id: string): Promise<UserRow> {
    const row = await repo.findById(db.primary, id);
    if (!row) throw notFound('There is no such user.');
    return row;
  }

  async function findByEmail(email: string): Promise<UserRow | undefined> {
    return repo.findByEmail(db.primary, normalizeEmail(email));
  }

  async function create(input: {
    email: string;
    displayName: string;
    passwordHash: string | null;
    emailVerified?: boolean;
    role?: Role;
  }): Promise<UserRow> {
    try {
      return await repo.insert(db.primary, {
        email: normalizeEmail(input.email),
        displayName: input.displayName.trim(),
        passwordHash: input.passwordHash,
        emailVerifiedAt: input.emailVerified ? new Date() : null,
        ...(input.role ? { role: input.role } : {}),
      });
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) {
        throw new AppError(
          'conflict',
          'An account with this email already exists. Sign in, or reset its password.',
          {
            errors: [{ path: '/body/email', message: 'is already registered' }],
          },
        );
      }
      throw err;
    }
  }

  async function updateProfile(userId: string, patch: ProfilePatch): Promise<UserRow> {
    const values: Parameters<typeof repo.update>[2] = {};
    if (patch.displayName !== undefined) values.displayName = patch.displayName.trim();
    if (patch.dailyGoalMinutes !== undefined) values.dailyGoalMinutes = patch.dailyGoalMinutes;
    if (patch.timezone !== undefined) {
      const zone = canonicalTimeZone(patch.timezone);
      if (!zone) {
        throw new AppError('validation', `"${patch.timezone}" is not an IANA time zone.`, {
          errors: [
            {
              path: '/body/timezone',
              message: 'is not an IANA time zone, e.g. Europe/Berlin or America/New_York',
            },
          ],
        });
      }
      values.timezone = zone;
    }
    if (patch.handle !== undefined) values.handle = patch.handle;
    if (patch.publicProfile !== undefined) values.publicProfile = patch.publicProfile;
    if (patch.streakFreezes !== undefined) values.streakFreezes = patch.streakFreezes;
    if (patch.weeklyDigest !== undefined) values.weeklyDigest = patch.weeklyDigest;
    if (patch.digestDay !== undefined) values.digestDay = patch.digestDay;
    const current = await get(userId);
    if (patch.reminder !== undefined) values.reminder = { ...current.reminder, ...patch.reminder };
    const handle = values.handle !== undefined ? values.handle : current.handle;
    const isPublic = values.publicProfile ?? current.publicProfile;
    if (isPublic && !handle) {
      throw new AppError('validation', 'A public profile needs a handle: its address is /u/{handle}.', {
        errors: [{ path: '/body/handle', message: 'is required for a public profile' }],
      });
    }
    try {
      const row = await repo.update(db.primary, userId, values);
      if (!row) throw notFound('There is no such user.');
      const moves = ['reminder', 'weeklyDigest', 'digestDay', 'timezone'] as const;
      if (moves.some((key) => values[key] !== undefined)) {
        for (const listener of scheduleListeners) await listener(userId);
      }
      return row;
    } catch (err) {
      if (isUniqueViolation(err, 'users_handle_key')) {
        throw new AppError('conflict', `The handle "${patch.handle}" is taken; choose another.`, {
          errors: [{ path: '/body/handle', message: 'is taken' }],
        });
      }
      throw err;
    }
  }

  /** Sets the role (who may is the caller's business: account service, policies). */
  async function setRole(userId: string, role: Role): Promise<UserRow> {
    const row = await repo.update(db.primary, userId, { role });
    if (!row) throw notFound('There is no such user.');
    return row;
  }

  /** Moves the account to a confirmed new address (the mailed link was opened). */
  async function changeEmail(userId: string, email: string): Promise<void> {
    try {
      await repo.update(db.primary, userId, { email: normalizeEmail(email), emailVerifiedAt: new Date() });
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) {
        throw new AppError('conflict', 'This address belongs to another account now; nothing was changed.', {
          errors: [{ path: '/body/token', message: 'names an address that is taken' }],
        });
      }
      throw err;
    }
  }

  /** Accounts for the admin page, by email, keyset-paged. */
  async function list(query: { limit: number; afterEmail?: string | undefined; q?: string | undefined }) {
    return repo.list(db.primary, query);
  }

  async function setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await repo.update(db.primary, userId, { passwordHash });
  }

  async function markEmailVerified(userId: string): Promise<void> {
    await repo.update(db.primary, userId, { emailVerifiedAt: new Date() });
  }

  async function findPublic(handle: string): Promise<UserRow> {
    const row = await repo.findByHandle(db.replica, handle);
    // A private profile and no profile look the same from outside.
    if (!row?.publicProfile) throw notFound(`No public profile is called "${handle}".`);
    return row;
  }

  /** Deletes the account; inside `tx` when given (a larger transaction the deletion is part of). */
  async function remove(userId: string, tx: Db = db.primary): Promise<void> {
    if (!(await repo.remove(tx, userId))) throw notFound('There is no such user.');
  }

  return {
    /** `listener` runs after a change to reminders, the digest or the time zone. */
    onNotificationSettingsChange(listener: (userId: string) => Promise<void>) {
      scheduleListeners.push(listener);
    },
    get,
    findByEmail,
    findPublic,
    create,
    updateProfile,
    setRole,
    changeEmail,
    list,
    setPasswordHash,
    markEmailVerified,
    remove,
  };
}

export type UserService = ReturnType<typeof createUserService>;
