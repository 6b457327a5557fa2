// The database handle. One Drizzle type serves both drivers, so repos have a single code path:
// - PGlite (PostgreSQL compiled to WebAssembly) in WAYMARK_DATA_DIR when DATABASE_URL is unset;
// - node-postgres pools for DATABASE_URL and, for read-only queries, DATABASE_READ_URL.
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { fromPglite } from 'pg-boss';
import { installJobs, type JobsOptions } from '../infra/jobs.ts';
import { acquireDirLock, type DirLock } from './lock.ts';
import * as schema from './schema.ts';
import { templateDir } from './template.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

export interface Database {
  readonly driver: 'pglite' | 'postgres';
  /** Writes, and reads that must see the latest write. */
  readonly primary: Db;
  /** Read-only queries; the primary itself when no replica is configured. */
  readonly replica: Db;
  /** How the job queue reaches this database (infra/jobs.ts). */
  readonly jobsConnection: JobsOptions['connection'];
  /** Applies pending migrations (ours and the job queue's); safe from several instances at once. */
  migrate(): Promise<void>;
  /** Resolves when every configured database answers a trivial query. */
  ping(): Promise<void>;
  /** Connection counts of each pool (node-postgres only). */
  poolStats?(): Record<string, { total: number; idle: number; waiting: number }>;
  close(): Promise<void>;
}

export interface PostgresOptions {
  url: string;
  readUrl?: string | undefined;
  /** Connections per pool. */
  poolSize?: number;
  /** Pool connection wait and statement timeout, in ms. */
  timeoutMs?: number;
  onError?: (err: Error) => void;
}

export function openPostgres(options: PostgresOptions): Database {
  const timeoutMs = options.timeoutMs ?? 5000;
  const makePool = (connectionString: string) => {
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      // node-postgres waits forever for a connection by default: fail instead.
      connectionTimeoutMillis: timeoutMs,
      idleTimeoutMillis: 30_000,
      statement_timeout: timeoutMs * 3,
      application_name: 'waymark',
    });
    // An idle client losing its server must not crash the process; the pool replaces it.
    pool.on('error', (err) => options.onError?.(err));
    return pool;
  };
  const primaryPool = makePool(options.url);
  const replicaPool = options.readUrl ? makePool(options.readUrl) : undefined;
  const primary: Db = drizzlePg(primaryPool, { schema });
  const replica: Db = replicaPool ? drizzlePg(replicaPool, { schema }) : primary;
  const jobsConnection = { connectionString: options.url, max: 3 };

  return {
    driver: 'postgres',
    primary,
    replica,
    jobsConnection,
    async migrate() {
      // Several instances may start together: one migrates while the others wait on the lock.
      const client = await primaryPool.connect();
      try {
        await client.query('select pg_advisory_lock(hashtext($1))', ['waymark:migrate']);
        try {
          await migratePg(drizzlePg(client, { schema }), { migrationsFolder: MIGRATIONS_DIR });
          await installJobs(jobsConnection);
        } finally {
          await client.query('select pg_advisory_unlock(hashtext($1))', ['waymark:migrate']);
        }
      } finally {
        client.release();
      }
    },
    async ping() {
      await Promise.all([primaryPool.query('select 1'), replicaPool?.query('select 1')]);
    },
    poolStats() {
      const stats = (pool: pg.Pool) => ({
        total: pool.totalCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
      });
      return { primary: stats(primaryPool), ...(replicaPool ? { replica: stats(replicaPool) } : {}) };
    },
    async close() {
      await Promise.all([primaryPool.end(), replicaPool?.end()]);
    },
  };
}

/** Wraps an open PGlite client (the lock, when given, is released on close). */
export function pgliteDatabase(client: PGlite, lock?: DirLock): Database {
  const db: Db = drizzlePglite(client, { schema });
  const jobsConnection = { db: fromPglite(client), backend: 'pglite' as const };
  return {
    driver: 'pglite',
    primary: db,
    replica: db,
    jobsConnection,
    async migrate() {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_DIR });
      await installJobs(jobsConnection);
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      try {
        if (!client.closed) await client.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

/**
 * PGlite in `<dataDir>/pglite`. PGlite takes no lock of its own and two processes on one
 * directory corrupt it, so this holds `<dataDir>/waymark.lock` until close().
 * A new directory starts as a copy of the migrated template made at install time when there is
 * one (db/template.ts); `migrate()` is still run after, and finds little to do.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  await mkdir(dataDir, { recursive: true });
  const lock = await acquireDirLock(dataDir);
  try {
    const dir = path.join(dataDir, 'pglite');
    const exists = await stat(path.join(dir, 'PG_VERSION')).then(
      () => true,
      () => false,
    );
    if (!exists) {
      // Nothing usable there (at most an interrupted first start): begin again from the
      // template, copied aside and renamed into place so a killed copy is never opened.
      await rm(dir, { recursive: true, force: true });
      const template = await templateDir();
      if (await isDir(template)) {
        const partial = `${dir}.partial`;
        await rm(partial, { recursive: true, force: true });
        await cp(template, partial, { recursive: true });
        await rename(partial, dir);
      }
    }
    const client = await PGlite.create(dir);
    return pgliteDatabase(client, lock);
  } catch (err) {
    await lock.release();
    throw err;
  }
}

const isDir = (p: string) =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );

/** An in-memory PGlite, optionally cloned from a dump (tests). */
export async function openPgliteMemory(dump?: Blob): Promise<Database> {
  const client = await PGlite.create(dump ? { loadDataDir: dump } : {});
  return pgliteDatabase(client);
}

/**
 * Runs raw SQL and returns its rows, on either driver (both answer `{ rows }`). For the few
 * statements the query builder cannot say well: upserts from a select, summaries in one trip.
 */
/** A timestamp of a raw-SQL row (a string or a Date, by driver) as ISO 8601; null stays null. */
export function isoTimestamp(value: string | Date): string;
export function isoTimestamp(value: string | Date | null): string | null;
export function isoTimestamp(value: string | Date | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
