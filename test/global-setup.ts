// Prepares the database every test file clones: migrated, with the bundled roadmaps imported.
// PGlite: a data-dir dump in a temp file. PostgreSQL (DATABASE_URL): a template database.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/server/config.ts';
import { PGlite } from '@electric-sql/pglite';
import { openPostgres, pgliteDatabase, type Database } from '../src/server/db/client.ts';
import { createMemoryCache } from '../src/server/infra/cache.ts';
import { importContentDir } from '../src/server/modules/roadmaps/files.ts';
import { createRoadmapService } from '../src/server/modules/roadmaps/service.ts';
import { databaseUrlFor } from './helpers/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
    pgTemplate: string;
  }
}

async function loadContent(db: Database) {
  await db.migrate();
  const service = createRoadmapService({ db, cache: createMemoryCache() });
  const { problems } = await importContentDir(service, loadConfig().contentDir);
  if (problems.length > 0) throw new Error(`bundled content is invalid: ${JSON.stringify(problems)}`);
}

export default async function setup(project: TestProject) {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const template = `waymark_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    const db = openPostgres({ url: databaseUrlFor(adminUrl, template) });
    await loadContent(db);
    await db.close();
    project.provide('pgTemplate', template);
    project.provide('pgliteDump', '');
    return async () => {
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.end();
    };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'waymark-test-'));
  const client = await PGlite.create();
  const db = pgliteDatabase(client);
  await loadContent(db);
  const dumpFile = path.join(dir, 'seeded.tar');
  await writeFile(dumpFile, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
  await db.close();
  project.provide('pgliteDump', dumpFile);
  project.provide('pgTemplate', '');
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
