// A migrated, empty PGlite database packed as a tarball, made once at install time
// (`npm ci` runs scripts/postinstall.ts). Opening a new data directory from it skips initdb,
// which is most of PGlite's start-up cost. It is named after the migrations it holds, so a
// stale template is simply not found, and a missing one only makes the first start slower.
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'waymark');

export async function templateFile(): Promise<string> {
  const journal = await readFile(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'));
  const pglite = await readFile(path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'));
  const hash = createHash('sha256').update(journal).update(pglite).digest('hex').slice(0, 16);
  return path.join(CACHE_DIR, `pglite-template-${hash}.tar.gz`);
}

export async function buildTemplate(): Promise<string> {
  const file = await templateFile();
  const client = await PGlite.create();
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
    const dump = await client.dumpDataDir('gzip');
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    return file;
  } finally {
    await client.close();
  }
}
