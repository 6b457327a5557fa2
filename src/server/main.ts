// Process entry: configuration → database → app → listen, and a graceful shutdown on SIGTERM
// or SIGINT (stop accepting, finish in-flight requests, close the database).
//
// Behind nginx, the shutdown answers the requests nginx has already sent: the connections waiting
// to be accepted are accepted first, new ones are then refused (nginx tries the next server),
// every response from then on carries `Connection: close`, and a kept-alive connection with
// nothing in progress is closed only after a second of silence (http/graceful-close.ts).
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import type { Database } from './db/client.ts';
import { DirLockedError } from './db/lock.ts';
import { closeAfterAccepting, gracefulClose } from './http/graceful-close.ts';
import { importContentDir } from './modules/roadmaps/files.ts';
import type { FastifyBaseLogger } from 'fastify';
import { openConfiguredDatabase, openConfiguredInfra } from './runtime.ts';

export async function start(config: Config) {
  const started = performance.now();
  const db: Database = await openConfiguredDatabase(config);
  // Redis problems are logged by the app's logger, which exists once the app does.
  const logger: { current?: FastifyBaseLogger } = {};
  const infra = await openConfiguredInfra(config, {
    log: {
      warn: (obj: object, msg: string) => logger.current?.warn(obj, msg),
      info: (msg: string) => logger.current?.info(msg),
    },
  });
  const app = await buildApp({
    config,
    db,
    ...infra.appDeps,
    processMetrics: true,
  });
  logger.current = app.log;

  const content = await importContentDir(app.services.roadmaps, config.contentDir);
  if (content.problems.length > 0) {
    for (const p of content.problems) app.log.error(`${p.file}: ${p.path} ${p.message}`);
    await app.close();
    await infra.close();
    await db.close();
    throw new Error(
      `The roadmap files in ${config.contentDir} have ${content.problems.length} problem(s), listed above. ` +
        'Fix them (`npx waymark content validate` checks without starting) and start again.',
    );
  }
  for (const r of content.results) {
    if (r.outcome !== 'unchanged') app.log.info(`roadmap ${r.slug}: ${r.outcome} version ${r.version}`);
  }
  const rendered = await app.services.roadmaps.renderStoredVersions();
  if (rendered > 0) app.log.info(`rendered the Markdown of ${rendered} stored roadmap version(s)`);

  gracefulClose(app.server, { idleMs: Math.min(1000, config.shutdownTimeoutMs / 4) });
  closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info(`${signal} received: finishing in-flight requests, then exiting`);
    await closeAfterAccepting(app);
    await infra.close();
    await db.close();
  });

  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    `Waymark ${config.databaseUrl ? 'on PostgreSQL' : `with PGlite in ${config.dataDir}`}${config.redisUrl ? ' and Redis' : ''} ready in ` +
      `${Math.round(performance.now() - started)} ms — API reference at ${config.publicUrl}/api/docs`,
  );
  return app;
}

if (import.meta.main) {
  try {
    await start(loadConfig());
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DirLockedError) console.error(err.message);
    else console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  }
}
