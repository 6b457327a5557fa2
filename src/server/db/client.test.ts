import { readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { databaseUrlFor } from '../../../test/helpers/postgres.ts';
import { tempDirs } from '../../../test/helpers/temp.ts';
import { MIGRATIONS_DIR, openPglite, openPgliteMemory, openPostgres, type Database } from './client.ts';
import { DirLockedError } from './lock.ts';
import { roadmaps } from './schema.ts';

const TABLES = [
  'cohort_invites',
  'cohort_members',
  'cohort_nudges',
  'cohort_roadmaps',
  'cohorts',
  'credentials',
  'identities',
  'mail_tokens',
  'notes',
  'notification_sends',
  'outbox',
  'personal_access_tokens',
  'progress',
  'push_subscriptions',
  'refresh_tokens',
  'resource_checks',
  'review_cards',
  'review_logs',
  'roadmap_plans',
  'roadmap_slugs',
  'roadmap_versions',
  'roadmaps',
  'sessions',
  'steps',
  'study_sessions',
  'users',
  'webhook_deliveries',
  'webhooks',
];
const MIGRATIONS = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8'))
  .entries.length;

const tempDir = tempDirs('waymark-db-');

async function tableNames(db: Database) {
  const result = (await db.primary.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
  )) as unknown as { rows: { table_name: string }[] };
  return result.rows.map((r) => r.table_name);
}

describe('migrations', () => {
  it('build the schema on an empty database and are a no-op the second time', async () => {
    const db = await openPgliteMemory();
    expect(await tableNames(db)).toEqual([]);
    await db.migrate();
    expect(await tableNames(db)).toEqual(TABLES);
    await db.primary
      .insert(roadmaps)
      .values({ slug: 'kept', title: 'T', summary: 'S', status: 'published', currentVersion: 1 });
    await db.migrate();
    expect(await db.primary.select({ slug: roadmaps.slug }).from(roadmaps)).toEqual([{ slug: 'kept' }]);
    await db.close();
  });

  it.runIf(process.env.DATABASE_URL)(
    'run once when several instances start together on PostgreSQL',
    async () => {
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const name = `waymark_m_${randomBytes(5).toString('hex')}`;
      await admin.query(`create database ${name}`);
      const dbs = [1, 2, 3].map(() =>
        openPostgres({ url: databaseUrlFor(process.env.DATABASE_URL!, name), poolSize: 2 }),
      );
      try {
        await Promise.all(dbs.map((db) => db.migrate()));
        expect(await tableNames(dbs[0]!)).toEqual(TABLES);
        const applied = (await dbs[0]!.primary.execute(
          sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
        )) as unknown as {
          rows: { n: number }[];
        };
        expect(applied.rows[0]!.n).toBe(MIGRATIONS);
      } finally {
        await Promise.all(dbs.map((db) => db.close()));
        await admin.query(`drop database ${name} with (force)`);
        await admin.end();
      }
    },
  );
});

describe('PGlite data directory', () => {
  it('is created from the template, migrated, and keeps its data across restarts', async () => {
    const dir = await tempDir();
    const first = await openPglite(dir);
    await first.migrate();
    await first.primary
      .insert(roadmaps)
      .values({ slug: 'persisted', title: 'T', summary: 'S', status: 'published', currentVersion: 1 });
    await first.close();
    const again = await openPglite(dir);
    await again.migrate();
    expect(await again.primary.select({ slug: roadmaps.slug }).from(roadmaps)).toEqual([
      { slug: 'persisted' },
    ]);
    await again.close();
    expect(await readdir(dir)).toEqual(['pglite']); // the lock is gone after close
  });

  it('refuses a second opener while the first holds the lock, naming the holder', async () => {
    const dir = await tempDir();
    const holder = await openPglite(dir);
    const error = await openPglite(dir).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DirLockedError);
    expect((error as Error).message).toMatch(new RegExp(`in use by process ${process.pid}`));
    expect((error as Error).message).toMatch(/WAYMARK_DATA_DIR|DATABASE_URL/);
    await holder.close();
    const next = await openPglite(dir);
    await next.close();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'waymark.lock'), '2147483646\n'); // no such pid
    const db = await openPglite(dir);
    await db.ping();
    await db.close();
  });
});
