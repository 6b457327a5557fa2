// A fresh database per call, copied from the one the global setup prepared (migrated, bundled
// roadmaps imported): an in-memory PGlite clone, or a PostgreSQL database created from the
// template when DATABASE_URL is set. Close it when done; the PostgreSQL copy is then dropped.
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPgliteMemory, openPostgres, type Database } from '../../src/server/db/client.ts';
import { databaseUrlFor } from './postgres.ts';

export const onPostgres = Boolean(process.env.DATABASE_URL);

let dump: Blob | undefined;

export async function createTestDatabase(): Promise<Database & { url?: string }> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dump ??= new Blob([await readFile(inject('pgliteDump'))]);
    return openPgliteMemory(dump);
  }
  const name = `waymark_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name} template ${inject('pgTemplate')}`);
  const url = databaseUrlFor(adminUrl, name);
  const db = openPostgres({ url, poolSize: 5 });
  return {
    ...db,
    url,
    async close() {
      await db.close();
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
