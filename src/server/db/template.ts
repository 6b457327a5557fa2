// A migrated, empty PGlite data directory, made once at install time (`npm ci` runs
// scripts/postinstall.ts). A new data directory starts as a copy of it, which skips initdb —
// most of PGlite's first-start cost. A plain directory copied by the OS beats a tarball
// (`loadDataDir`) that PGlite unpacks file by file through its WebAssembly file system:
// 0.6 s instead of 1.1 s here. It is named after the migrations and PGlite version it holds,
// so a stale template is simply not found, and a missing one only makes the first start slower.
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromPglite } from 'pg-boss';
import { installJobs } from '../infra/jobs.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'waymark');

export async function templateDir(): Promise<string> {
  const journal = await readFile(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'));
  const pglite = await readFile(path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'));
  const boss = await readFile(path.join(ROOT, 'node_modules', 'pg-boss', 'package.json'));
  const hash = createHash('sha256').update(journal).update(pglite).update(boss).digest('hex').slice(0, 16);
  return path.join(CACHE_DIR, `pglite-template-${hash}`);
}

export async function buildTemplate(): Promise<string> {
  const dir = await templateDir();
  const partial = `${dir}.${process.pid}.tmp`;
  await mkdir(path.dirname(dir), { recursive: true });
  const client = await PGlite.create(partial);
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
    await installJobs({ db: fromPglite(client), backend: 'pglite' });
  } finally {
    await client.close();
  }
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  return dir;
}
