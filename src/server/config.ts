// Configuration comes from environment variables only (twelve-factor). It is read and
// validated once, at start; every bad value is reported at once with what to do about it.
import path from 'node:path';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  /** PGlite data and generated development keys live here when no DATABASE_URL is set. */
  dataDir: string;
  /** Where the bundled roadmap files are read from at start. */
  contentDir: string;
  /** The built web app (npm run build); the API alone is served when it is missing. */
  webDir: string;
  databaseUrl: string | undefined;
  databaseReadUrl: string | undefined;
  redisUrl: string | undefined;
  publicUrl: string;
  /** The issuer's name in Open Badges credentials (CREDENTIALS_ISSUER_NAME, default "Waymark"). */
  issuerName: string;
  /**
   * Origins the web app may be used at. PUBLIC_URL's alone when it is set; without it, both
   * loopback spellings of the port (http://localhost:PORT and http://127.0.0.1:PORT, and [::1]),
   * so the README's address works as well as the one printed at start.
   */
  webOrigins: string[];
  /** Bearer token /metrics requires; undefined = /metrics answers loopback clients only. */
  metricsToken: string | undefined;
  /** Comma-separated proxy addresses whose X-Forwarded-For is believed; undefined = none. */
  trustProxy: string | undefined;
  /** Global per-IP requests per minute; 0 turns the global limit off. */
  rateLimitPerMinute: number;
  /** Milliseconds a graceful shutdown may take before the process gives up and exits 1. */
  shutdownTimeoutMs: number;
  auth: AuthConfig;
  /** SMTP server for outgoing mail; undefined = mail is logged and kept in the outbox table. */
  smtpUrl: string | undefined;
  mailFrom: string;
  jobs: JobsConfig;
  /** Web Push (VAPID) keys; undefined = generated into the data dir in development, else no push. */
  vapid: { publicKey: string; privateKey: string } | undefined;
  /** Accept push endpoints on loopback and private addresses (tests with a local push service). */
  pushPrivateEndpoints: boolean;
  /** Webhook URLs: http as well as https, and private addresses (tests, a receiver on this machine). */
  webhooks: { allowHttp: boolean; allowPrivate: boolean };
  /** Where push services can reach the operator (VAPID's `sub`): VAPID_SUBJECT, else MAIL_FROM's address. */
  vapidSubject: string;
}

export interface JobsConfig {
  /** Whether this instance runs jobs (every instance can queue them). */
  work: boolean;
  /** Seconds before a failed job's first retry (doubling after each). */
  retryDelaySeconds: number;
  retryLimit: number;
  /** How often an idle worker looks for due jobs. */
  pollSeconds: number;
  /** Tries of one webhook delivery before it is marked failed. */
  webhookRetryLimit: number;
}

export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
}

export interface AuthConfig {
  /** Ed25519 PEM keys; undefined outside production = generated once into the data dir. */
  jwtPrivateKey: string | undefined;
  jwtPublicKey: string | undefined;
  /** Access-token lifetime in seconds (minutes, not hours). */
  accessTokenTtlSeconds: number;
  /** Refresh-token lifetime in seconds; each refresh issues a new one. */
  refreshTokenTtlSeconds: number;
  /**
   * Seconds after a refresh token is spent during which presenting it again (another tab, a
   * retried request) returns the same successor instead of counting as reuse; 0 turns it off.
   */
  refreshGraceSeconds: number;
  /** Requests per IP per minute on /api/v1/auth/*. */
  requestsPerMinute: number;
  /** Failed logins per (email, IP) per 15 minutes before 429. */
  failedLoginsPer15Minutes: number;
  oidc: (OAuthClientConfig & { issuerUrl: string }) | undefined;
  github: OAuthClientConfig | undefined;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const NODE_ENVS: readonly NodeEnv[] = ['development', 'production', 'test'];

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };

  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name}=${JSON.stringify(raw)} must be one of: ${allowed.join(', ')}`);
      return fallback;
    }
    return raw as T;
  };

  const url = (name: string, protocols: readonly string[]): string | undefined => {
    const raw = read(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must be a ${protocols.join(' or ')} URL (got ${parsed.protocol})`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const port = integer('PORT', 3000, 0, 65535);
  const host = read('HOST') ?? '127.0.0.1';
  const nodeEnv = oneOf('NODE_ENV', NODE_ENVS, 'development');
  const logLevel = oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  const dataDir = path.resolve(cwd, read('WAYMARK_DATA_DIR') ?? 'data');
  const contentDir = path.resolve(cwd, read('WAYMARK_CONTENT_DIR') ?? 'content/roadmaps');
  const webDir = path.resolve(cwd, read('WAYMARK_WEB_DIR') ?? 'dist/web');
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const databaseReadUrl = url('DATABASE_READ_URL', ['postgres:', 'postgresql:']);
  if (databaseReadUrl && !databaseUrl) {
    problems.push('DATABASE_READ_URL is set without DATABASE_URL: a replica needs a primary');
  }
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:']);
  const configuredPublicUrl = url('PUBLIC_URL', ['http:', 'https:']);
  const publicUrl = (configuredPublicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
  let webOrigins: string[];
  try {
    webOrigins = configuredPublicUrl
      ? [new URL(publicUrl).origin]
      : [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`];
  } catch {
    webOrigins = [];
  }
  const metricsToken = read('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) {
    problems.push('METRICS_TOKEN must be at least 16 characters (make one with `openssl rand -hex 24`)');
  }
  const trustProxy = read('TRUST_PROXY');
  const rateLimitPerMinute = integer('RATE_LIMIT_PER_MINUTE', 1200, 0, 1_000_000);
  const shutdownTimeoutMs = integer('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000);

  const pem = (name: string, kind: 'PRIVATE' | 'PUBLIC'): string | undefined => {
    // Containers and .env files often carry PEMs on one line with literal "\n".
    const raw = read(name)?.replace(/\\n/g, '\n');
    if (raw === undefined) return undefined;
    if (!raw.includes(`-----BEGIN ${kind} KEY-----`)) {
      problems.push(
        `${name} must be an Ed25519 ${kind.toLowerCase()} key in PEM (-----BEGIN ${kind} KEY-----)`,
      );
    }
    return raw;
  };
  const jwtPrivateKey = pem('JWT_PRIVATE_KEY', 'PRIVATE');
  const jwtPublicKey = pem('JWT_PUBLIC_KEY', 'PUBLIC');
  if (Boolean(jwtPrivateKey) !== Boolean(jwtPublicKey)) {
    problems.push('JWT_PRIVATE_KEY and JWT_PUBLIC_KEY go together: set both or neither');
  }
  if (nodeEnv === 'production' && !jwtPrivateKey) {
    problems.push(
      'NODE_ENV=production needs JWT_PRIVATE_KEY and JWT_PUBLIC_KEY (make a pair with `npx waymark keys`)',
    );
  }

  const pair = (idName: string, secretName: string): OAuthClientConfig | undefined => {
    const clientId = read(idName);
    const clientSecret = read(secretName);
    if (!clientId && !clientSecret) return undefined;
    if (!clientId || !clientSecret) {
      problems.push(`${idName} and ${secretName} go together: set both or neither`);
      return undefined;
    }
    return { clientId, clientSecret };
  };
  const oidcIssuer = url('OIDC_ISSUER_URL', ['http:', 'https:']);
  const oidcClient = pair('OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET');
  if (Boolean(oidcIssuer) !== Boolean(oidcClient)) {
    problems.push('OIDC_ISSUER_URL needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, and they need it');
  }
  const auth: AuthConfig = {
    jwtPrivateKey,
    jwtPublicKey,
    accessTokenTtlSeconds: integer('ACCESS_TOKEN_TTL_SECONDS', 600, 30, 900),
    refreshTokenTtlSeconds: integer('REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 300, 365 * 24 * 3600),
    refreshGraceSeconds: integer('REFRESH_GRACE_SECONDS', 20, 0, 120),
    requestsPerMinute: integer('AUTH_RATE_LIMIT_PER_MINUTE', 100, 0, 1_000_000),
    failedLoginsPer15Minutes: integer('LOGIN_FAILURES_PER_15_MINUTES', 10, 1, 10_000),
    oidc: oidcIssuer && oidcClient ? { issuerUrl: oidcIssuer, ...oidcClient } : undefined,
    github: pair('GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET'),
  };
  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:']);
  const mailFrom = read('MAIL_FROM') ?? 'Waymark <waymark@localhost>';
  const jobs: JobsConfig = {
    work: oneOf('WAYMARK_JOBS', ['on', 'off'], 'on') === 'on',
    retryDelaySeconds: integer('JOB_RETRY_DELAY_SECONDS', 30, 1, 3600),
    retryLimit: integer('JOB_RETRY_LIMIT', 4, 0, 20),
    pollSeconds: integer('JOB_POLL_SECONDS', 2, 1, 60),
    // 30 s doubling to an hour, then hourly: 30 tries span about a day.
    webhookRetryLimit: integer('WEBHOOK_RETRY_LIMIT', 30, 0, 100),
  };
  const issuerName = (read('CREDENTIALS_ISSUER_NAME') ?? '').trim().slice(0, 200);
  const webhooks = {
    allowHttp: oneOf('WEBHOOKS_ALLOW_HTTP', ['true', 'false'], 'false') === 'true',
    allowPrivate: oneOf('WEBHOOKS_ALLOW_PRIVATE', ['true', 'false'], 'false') === 'true',
  };
  const vapidPublic = read('VAPID_PUBLIC_KEY');
  const vapidPrivate = read('VAPID_PRIVATE_KEY');
  if (Boolean(vapidPublic) !== Boolean(vapidPrivate)) {
    problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together: set both or neither');
  }
  for (const [name, value, bytes] of [
    ['VAPID_PUBLIC_KEY', vapidPublic, 65],
    ['VAPID_PRIVATE_KEY', vapidPrivate, 32],
  ] as const) {
    if (value && Buffer.from(value, 'base64url').length !== bytes) {
      problems.push(
        `${name} must be a P-256 key in URL-safe base64 (make a pair with \`npx waymark keys --vapid\`)`,
      );
    }
  }
  const vapidSubject = read('VAPID_SUBJECT') ?? `mailto:${/<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom}`;
  if (!/^(mailto:|https:)/.test(vapidSubject)) {
    problems.push('VAPID_SUBJECT must be a mailto: or https: URL where a push service can reach you');
  }
  const vapid =
    vapidPublic && vapidPrivate ? { publicKey: vapidPublic, privateKey: vapidPrivate } : undefined;

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    nodeEnv,
    logLevel,
    dataDir,
    contentDir,
    webDir,
    databaseUrl,
    databaseReadUrl,
    redisUrl,
    publicUrl,
    issuerName: issuerName || 'Waymark',
    webOrigins,
    metricsToken,
    trustProxy,
    rateLimitPerMinute,
    shutdownTimeoutMs,
    auth,
    smtpUrl,
    mailFrom,
    jobs,
    webhooks,
    vapid,
    vapidSubject,
    pushPrivateEndpoints: oneOf('PUSH_ALLOW_PRIVATE_ENDPOINTS', ['on', 'off'], 'off') === 'on',
  };
}
