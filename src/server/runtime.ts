// Opening what the app depends on, shared by the server and the CLI: the database chosen by
// the configuration (migrated), and the cache.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import { openPglite, openPostgres, type Database } from './db/client.ts';

export async function openConfiguredDatabase(
  config: Config,
  log?: Pick<FastifyBaseLogger, 'error'>,
): Promise<Database> {
  const db = config.databaseUrl
    ? openPostgres({
        url: config.databaseUrl,
        readUrl: config.databaseReadUrl,
        onError: (err) => log?.error({ err }, 'idle database client failed'),
      })
    : await openPglite(config.dataDir);
  try {
    await db.migrate();
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
