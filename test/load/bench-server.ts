// For `npm run bench`: the Waymark app and, in the same process on the same database handle, a
// bare Fastify app whose routes run the same SQL as the personalized endpoints (progress,
// forecast, due reviews, a cohort's mentor view) with nothing else —
// no authentication, validation, events or logging. Loaded one after the other, the two tell
// what Waymark's own work costs on top of the database.
import Fastify from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import { importContentDir } from '../../src/server/modules/roadmaps/files.ts';
import * as cohortRepo from '../../src/server/modules/cohorts/repo.ts';
import * as progressRepo from '../../src/server/modules/progress/repo.ts';
import { newCard } from '../../src/server/modules/reviews/scheduler.ts';
import { openConfiguredDatabase, openConfiguredInfra } from '../../src/server/runtime.ts';

const config = loadConfig();
const db = await openConfiguredDatabase(config);
const infra = await openConfiguredInfra(config);
const app = await buildApp({
  config,
  db,
  ...infra.appDeps,
});
const content = await importContentDir(app.services.roadmaps, config.contentDir);
if (content.problems.length > 0) throw new Error('bundled content is invalid');
await app.listen({ port: config.port, host: '127.0.0.1' });

const bare = Fastify({ logger: false });
bare.get<{ Params: { user: string } }>('/summary/:user', async (request) =>
  progressRepo.summary(db.primary, request.params.user, 'backend-developer'),
);
bare.put<{ Params: { user: string }; Body: { status: 'done' | 'in_progress' } }>(
  '/progress/:user',
  async (request) =>
    progressRepo.setStatus(db.primary, {
      userId: request.params.user,
      roadmapSlug: 'backend-developer',
      stepSlug: 'postgresql',
      status: request.body.status,
      newCard: newCard(new Date()),
    }),
);
// The learning scenarios: the same service calls the routes make (their SQL and arithmetic),
// without the HTTP work around them (authentication, validation, serialization, logging).
bare.get<{ Params: { user: string } }>('/forecast/:user', async (request) =>
  app.services.habits.forecast(request.params.user, 'backend-developer'),
);
bare.get<{ Params: { user: string } }>('/reviews/:user', async (request) =>
  app.services.reviews.due(request.params.user, 20),
);
// The mentor view (`npm run bench -- --cohort`): the repo function the members route calls, with
// the arguments it passes (one row more than the page, to know whether there is a next page),
// without the role check, the streaks, the cursor or the response schema around it.
bare.get<{
  Params: { cohort: string };
  Querystring: {
    limit?: string;
    sort?: cohortRepo.SortKey;
    filter?: cohortRepo.MemberPage['filter'];
    desc?: string;
  };
}>('/cohorts/:cohort/members', async (request) => {
  const { limit = '20', sort = 'name', filter = 'all', desc } = request.query;
  return cohortRepo.memberPage(db.primary, request.params.cohort, new Date(), {
    sort,
    desc: desc === 'true',
    filter,
    limit: Number(limit) + 1,
    after: undefined,
  });
});
await bare.listen({ port: Number(process.env.BARE_PORT), host: '127.0.0.1' });
console.log('ready');

process.on('SIGTERM', async () => {
  await bare.close();
  await app.close();
  await infra.close();
  await db.close();
  process.exit(0);
});
