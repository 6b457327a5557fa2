// buildApp(deps): the whole HTTP application from its dependencies. No globals: tests build the
// same app around their own database and call `app.inject`; main.ts builds it and listens.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { Problem } from './http/schemas.ts';
import { buildValidator } from './http/validation.ts';
import cookie from '@fastify/cookie';
import type { Cache } from './infra/cache.ts';
import type { GuardedRedis } from './infra/redis.ts';
import { createOutboxMailer, createSmtpMailer, type Mailer } from './infra/mailer.ts';
import { createMemoryPubSub, type PubSub } from './infra/pubsub.ts';
import { createBackground, type Background } from './infra/background.ts';
import { createSealer } from './infra/sealed.ts';
import { createJobs, type Jobs } from './infra/jobs.ts';
import { createReminderService, type ReminderService } from './modules/reminders/service.ts';
import { reminderRoutes } from './modules/reminders/routes.ts';
import { reminderSchemas } from './modules/reminders/schemas.ts';
import { createPushSender, developmentVapidKeys, type PushSender } from './modules/reminders/push.ts';
import { jobRoutes } from './modules/jobs/routes.ts';
import { cohortRoutes } from './modules/cohorts/routes.ts';
import type { LookupFn } from './infra/outbound.ts';
import { tokenRoutes } from './modules/tokens/routes.ts';
import { webhookRoutes } from './modules/webhooks/routes.ts';
import { badgeRoutes } from './modules/badges/routes.ts';
import { badgeSchemas } from './modules/badges/schemas.ts';
import { createBadgeService, type BadgeService } from './modules/badges/service.ts';
import { createCredentialSigner } from './modules/badges/signer.ts';
import { webhookSchemas } from './modules/webhooks/schemas.ts';
import { createWebhookService, type WebhookService } from './modules/webhooks/service.ts';
import { tokenSchemas } from './modules/tokens/schemas.ts';
import { createTokenService, type TokenService } from './modules/tokens/service.ts';
import { cohortSchemas } from './modules/cohorts/schemas.ts';
import { createCohortService, type CohortService } from './modules/cohorts/service.ts';
import { jobSchemas } from './modules/jobs/schemas.ts';
import { createJobAdminService, type JobAdminService } from './modules/jobs/service.ts';
import { credentialRoutes } from './modules/auth/account-routes.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { authSchemas } from './modules/auth/schemas.ts';
import { createAuthService, type AuthService } from './modules/auth/service.ts';
import { configuredProviders, type OAuthProvider } from './modules/auth/oauth.ts';
import { createAccessTokens, derivedKey, loadKeyPair } from './modules/auth/tokens.ts';
import { accountRoutes } from './modules/account/routes.ts';
import { accountSchemas } from './modules/account/schemas.ts';
import { createAccountService, type AccountService } from './modules/account/service.ts';
import { eventRoutes } from './modules/events/routes.ts';
import { createEventService, type EventService } from './modules/events/service.ts';
import { habitRoutes } from './modules/habits/routes.ts';
import { habitSchemas } from './modules/habits/schemas.ts';
import { createHabitService, type HabitService } from './modules/habits/service.ts';
import { noteRoutes } from './modules/notes/routes.ts';
import { noteSchemas } from './modules/notes/schemas.ts';
import { reviewRoutes } from './modules/reviews/routes.ts';
import { reviewSchemas } from './modules/reviews/schemas.ts';
import { createReviewService, type ReviewService } from './modules/reviews/service.ts';
import { createNoteService, type NoteService } from './modules/notes/service.ts';
import { progressRoutes } from './modules/progress/routes.ts';
import { progressSchemas } from './modules/progress/schemas.ts';
import { createProgressService, type ProgressService } from './modules/progress/service.ts';
import { userRoutes } from './modules/users/routes.ts';
import { userSchemas } from './modules/users/schemas.ts';
import { createUserService, type UserService } from './modules/users/service.ts';
import auth from './plugins/auth.ts';
import rateLimits from './plugins/rate-limit.ts';
import { healthRoutes } from './modules/health/routes.ts';
import { createAuthoringService, type AuthoringService } from './modules/roadmaps/authoring.ts';
import { authoringRoutes } from './modules/roadmaps/authoring-routes.ts';
import { roadmapRoutes } from './modules/roadmaps/routes.ts';
import { authoringSchemas, roadmapSchemas } from './modules/roadmaps/schemas.ts';
import { createRoadmapService, type RoadmapService } from './modules/roadmaps/service.ts';
import docs from './plugins/docs.ts';
import errorHandling, { frameworkErrors } from './plugins/error-handling.ts';
import metrics from './plugins/metrics.ts';
import securityHeaders, { waymarkHelmetOptions } from './plugins/security-headers.ts';
import cacheControl from './plugins/cache-control.ts';
import web from './plugins/web.ts';
import { redactUrl, serializeError } from './logging.ts';
import { VERSION } from './version.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  cache: Cache;
  /** A logger, or false for none (tests). Defaults to pino at config.logLevel. */
  logger?: FastifyBaseLogger | false;
  /** Where the default logger writes (stdout, asynchronously); tests read the lines. */
  logStream?: { write(line: string): unknown };
  /** Collect process metrics (event loop, memory, GC); off in tests that build many apps. */
  processMetrics?: boolean;
  /** Shared between instances when Redis is configured; in-process (and owned here) if absent. */
  pubsub?: PubSub;
  /** Outgoing mail; by default SMTP_URL's server, or the outbox table. */
  mailer?: Mailer;
  /** Redis (behind its circuit breaker) for rate-limit counters and readiness; in-process limits when absent. */
  redis?: GuardedRedis;
  /** Sign-in providers by id; by default those the configuration enables. */
  providers?: Map<string, OAuthProvider>;
  /** The clock of spaced review, habits and reminders (tests fix it); the system clock by default. */
  now?: () => Date;
  /** The job queue; by default one on `db`, owned (and stopped) by the app. */
  jobs?: Jobs;
  /** Web Push; by default VAPID's from the configuration, or none. */
  push?: PushSender;
  /** How names of URLs users give are resolved before the server calls them (tests: a stand-in). */
  lookup?: LookupFn;
}

export interface Services {
  /** Work started after a reply (mail); `idle()` waits for it. */
  background: Background;
  roadmaps: RoadmapService;
  users: UserService;
  auth: AuthService;
  tokens: TokenService;
  webhooks: WebhookService;
  badges: BadgeService;
  events: EventService;
  progress: ProgressService;
  habits: HabitService;
  account: AccountService;
  authoring: AuthoringService;
  notes: NoteService;
  reviews: ReviewService;
  reminders: ReminderService;
  cohorts: CohortService;
  jobs: Jobs;
  jobAdmin: JobAdminService;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export const BODY_LIMIT_BYTES = 100 * 1024;

/** One access-log line per request, when it completes (Fastify's default writes two). */
class AccessLog extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply) {
    const line = {
      userId: request.user?.userId,
      method: request.method,
      url: redactUrl(request.url),
      route: request.routeOptions.url,
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const logging =
    deps.logger === false
      ? { logger: false }
      : deps.logger
        ? { loggerInstance: deps.logger }
        : {
            logger: {
              level: config.logLevel,
              redact: ['req.headers.authorization', 'req.headers.cookie'],
              serializers: { err: serializeError },
              // Written asynchronously: a synchronous write per access-log line cost a fifth of
              // the cached read path's throughput (npm run bench). pino flushes it on exit.
              stream: deps.logStream ?? pino.destination({ dest: 1, sync: false }),
            },
          };

  const app = Fastify({
    ...logging,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    logController: new AccessLog(),
    trustProxy: config.trustProxy ? config.trustProxy.split(',').map((s) => s.trim()) : false,
    bodyLimit: BODY_LIMIT_BYTES,
    // Even the router's own refusals (bad percent-encoding, over-long parameters) are problems.
    frameworkErrors,
    // A request that reached us before SIGTERM is served, not refused: see main.ts.
    return503OnClosing: false,
    // One rule set for every request value: no coercion of JSON bodies, no NUL, no unpaired
    // surrogate, no infinite number, free text in declared formats (http/validation.ts).
    schemaController: { compilersFactory: { buildValidator: buildValidator() } },
    // Responses only pick a union branch with Ajv: our request formats mean nothing there.
    serializerOpts: { ajv: { formats: { line: true, text: true } } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const pubsub = deps.pubsub ?? createMemoryPubSub();
  const mailer =
    deps.mailer ??
    (config.smtpUrl
      ? await createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom })
      : createOutboxMailer({ db: deps.db.primary, log: app.log, logText: config.nodeEnv !== 'production' }));
  const keys = await loadKeyPair({
    privateKeyPem: config.auth.jwtPrivateKey,
    publicKeyPem: config.auth.jwtPublicKey,
    dataDir: config.dataDir,
  });
  const tokens = await createAccessTokens({
    keys,
    issuer: config.publicUrl,
    ttlSeconds: config.auth.accessTokenTtlSeconds,
  });
  const background = createBackground(app.log);
  const users = createUserService({ db: deps.db });
  const roadmaps = createRoadmapService({ db: deps.db, cache: deps.cache, pubsub });
  const events = createEventService({ pubsub });
  const personalTokens = createTokenService({ db: deps.db, pubsub, ...(deps.now ? { now: deps.now } : {}) });
  const authService = createAuthService({
    personalTokens,
    db: deps.db,
    cache: deps.cache,
    users,
    tokens,
    mailer,
    pubsub,
    background,
    providers: deps.providers ?? configuredProviders(config.auth),
    publicUrl: config.publicUrl,
    refreshTokenTtlSeconds: config.auth.refreshTokenTtlSeconds,
    refreshGraceSeconds: config.auth.refreshGraceSeconds,
    loginLimits: { perAddress: config.auth.failedLoginsPer15Minutes, perAccount: 20, perDay: 100 },
  });
  const progress = createProgressService({ db: deps.db, events, ...(deps.now ? { now: deps.now } : {}) });
  const clock = deps.now ? { now: deps.now } : {};
  const habits = createHabitService({ db: deps.db, users, roadmaps, events, progress, ...clock });
  const authoring = createAuthoringService({ db: deps.db, users, roadmaps });
  const notes = createNoteService({ db: deps.db });
  const reviews = createReviewService({ db: deps.db, users, events, ...(deps.now ? { now: deps.now } : {}) });
  const jobs =
    deps.jobs ??
    (await createJobs({
      connection: deps.db.jobsConnection,
      retryDelaySeconds: config.jobs.retryDelaySeconds,
      retryLimit: config.jobs.retryLimit,
      pollSeconds: config.jobs.pollSeconds,
      retryLimits: { webhook: config.jobs.webhookRetryLimit },
      log: app.log,
    }));
  const vapid =
    config.vapid ??
    (config.nodeEnv === 'development' ? await developmentVapidKeys(config.dataDir) : undefined);
  const push =
    deps.push ??
    (vapid
      ? createPushSender({
          vapid,
          subject: config.vapidSubject,
          allowPrivate: config.pushPrivateEndpoints,
          ...(deps.lookup ? { lookup: deps.lookup } : {}),
        })
      : undefined);
  const reminders = createReminderService({
    db: deps.db,
    jobs,
    users,
    habits,
    progress,
    mailer,
    push,
    tokens,
    publicUrl: config.publicUrl,
    pushPrivateEndpoints: config.pushPrivateEndpoints,
    ...(deps.lookup ? { lookup: deps.lookup } : {}),
    ...clock,
  });
  users.onNotificationSettingsChange((userId) => reminders.schedule(userId));
  const cohorts = createCohortService({
    db: deps.db,
    users,
    events,
    reminders,
    pubsub,
    publicUrl: config.publicUrl,
    ...clock,
  });
  const webhooks = createWebhookService({
    db: deps.db,
    jobs,
    users,
    reminders,
    cohorts,
    allowHttp: config.webhooks.allowHttp,
    allowPrivate: config.webhooks.allowPrivate,
    retryLimit: config.jobs.webhookRetryLimit,
    publicUrl: config.publicUrl,
    sealer: createSealer(derivedKey(keys.privateKeyPem, 'webhook-secrets/v1')),
    pubsub,
    ...(deps.lookup ? { lookup: deps.lookup } : {}),
    ...clock,
  });
  const badges = createBadgeService({
    db: deps.db,
    signer: createCredentialSigner({ privateKeyPem: keys.privateKeyPem, publicUrl: config.publicUrl }),
    progress,
    users,
    events,
    background,
    publicUrl: config.publicUrl,
    issuerName: config.issuerName,
    ...clock,
  });
  // A step marked done may complete a milestone: its credential is signed after the reply.
  events.observe(async (userId, type, data) => {
    if (type === 'progress' && data.status === 'done' && typeof data.roadmapSlug === 'string') {
      badges.stepDone(userId, data.roadmapSlug);
    }
  });
  // The write is made by then: a delivery that cannot be queued is logged, not the writer's error.
  events.observe((userId, type, data) =>
    webhooks
      .emit(userId, type, data)
      .catch((err: unknown) => app.log.error({ err }, 'webhook deliveries not queued')),
  );
  const services: Services = {
    background,
    roadmaps,
    users,
    auth: authService,
    tokens: personalTokens,
    webhooks,
    badges,
    events,
    progress,
    habits,
    account: createAccountService({
      db: deps.db,
      users,
      auth: authService,
      progress,
      habits,
      authoring,
      notes,
      reviews,
      cohorts,
      tokens: personalTokens,
      webhooks,
      badges,
    }),
    authoring,
    notes,
    reviews,
    reminders,
    cohorts,
    jobs,
    jobAdmin: createJobAdminService({ jobs, users }),
  };
  app.decorate('services', services);
  if (config.jobs.work) {
    await reminders.startWorkers();
    await webhooks.startWorkers();
  }
  app.addHook('onClose', async () => {
    // Running jobs get half the shutdown time to finish; the rest are handed back to the queue.
    if (!deps.jobs) await jobs.stop(config.shutdownTimeoutMs / 2);
    badges.stop();
    await background.idle();
    if (!deps.mailer) mailer.close();
    if (!deps.pubsub) await pubsub.close();
  });

  // Cross-cutting plugins first, so every route below gets them.
  await app.register(errorHandling);
  await app.register(securityHeaders, { helmet: waymarkHelmetOptions(config.publicUrl) });
  await app.register(cacheControl);
  // Swagger collects routes as they are added: it goes before every route, /metrics included.
  await app.register(docs, { publicUrl: config.publicUrl, version: VERSION });
  await app.register(metrics, {
    defaultMetrics: deps.processMetrics ?? false,
    cache: deps.cache,
    db: deps.db,
    redis: deps.redis,
    jobs,
    token: config.metricsToken,
  });
  await app.register(cookie);
  await app.register(rateLimits, {
    perMinute: config.rateLimitPerMinute,
    redis: deps.redis,
    onFallback: () => app.metrics.rateLimitFallbacks.inc(),
  });
  await app.register(auth, { service: services.auth, tokens: services.tokens });

  for (const schema of [
    Problem,
    ...roadmapSchemas,
    ...authoringSchemas,
    ...userSchemas,
    ...authSchemas,
    ...progressSchemas,
    ...habitSchemas,
    ...accountSchemas,
    ...noteSchemas,
    ...reviewSchemas,
    ...reminderSchemas,
    ...jobSchemas,
    ...cohortSchemas,
    ...tokenSchemas,
    ...webhookSchemas,
    ...badgeSchemas,
  ]) {
    app.addSchema(schema);
  }

  const redis = deps.redis;
  await app.register(healthRoutes, {
    checks: [
      { name: 'database', check: () => deps.db.ping() },
      ...(redis
        ? [
            {
              name: 'redis',
              optional: true,
              check: () => redis.ping(),
              detail: () => redis.breaker.describe(),
            },
          ]
        : []),
    ],
  });
  await app.register(roadmapRoutes, { service: services.roadmaps, authoring: services.authoring });
  await app.register(authoringRoutes, { service: services.authoring });
  await app.register(authRoutes, {
    service: services.auth,
    publicUrl: config.publicUrl,
    webOrigins: config.webOrigins,
    refreshTokenTtlSeconds: config.auth.refreshTokenTtlSeconds,
    requestsPerMinute: config.auth.requestsPerMinute,
    failedLoginsPer15Minutes: config.auth.failedLoginsPer15Minutes,
  });
  await app.register(credentialRoutes, { service: services.auth });
  await app.register(userRoutes, { service: services.users });
  await app.register(progressRoutes, { service: services.progress });
  await app.register(habitRoutes, { service: services.habits });
  await app.register(noteRoutes, { service: services.notes });
  await app.register(reviewRoutes, { service: services.reviews });
  await app.register(accountRoutes, { service: services.account });
  await app.register(reminderRoutes, {
    service: services.reminders,
    vapidPublicKey: vapid?.publicKey,
  });
  await app.register(jobRoutes, { service: services.jobAdmin });
  await app.register(cohortRoutes, { service: services.cohorts });
  await app.register(tokenRoutes, { service: services.tokens });
  await app.register(webhookRoutes, { service: services.webhooks });
  await app.register(badgeRoutes, { service: services.badges });
  await app.register(eventRoutes, {
    service: services.events,
    auth: services.auth,
    cohorts: services.cohorts,
    onStreamCountChange: (delta) => app.metrics.sseConnections.inc(delta),
  });
  await app.register(web, { dir: config.webDir });

  return app;
}
