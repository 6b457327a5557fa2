import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({}, '/srv/waymark');
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      nodeEnv: 'development',
      logLevel: 'info',
      dataDir: '/srv/waymark/data',
      contentDir: '/srv/waymark/content/roadmaps',
      databaseUrl: undefined,
      redisUrl: undefined,
      publicUrl: 'http://localhost:3000',
      rateLimitPerMinute: 1200,
    });
  });

  it('reads every variable it knows', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        WAYMARK_DATA_DIR: '/var/lib/waymark',
        DATABASE_URL: 'postgres://u@db:5432/waymark',
        DATABASE_READ_URL: 'postgresql://u@replica:5432/waymark',
        REDIS_URL: 'redis://cache:6379',
        PUBLIC_URL: 'https://waymark.example/',
        TRUST_PROXY: '10.0.0.1',
        RATE_LIMIT_PER_MINUTE: '0',
        JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEI…\\n-----END PRIVATE KEY-----',
        JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA…\n-----END PUBLIC KEY-----',
        OIDC_ISSUER_URL: 'https://id.example',
        OIDC_CLIENT_ID: 'waymark',
        OIDC_CLIENT_SECRET: 's3cret',
        SMTP_URL: 'smtp://mail.example:587',
        AUTH_RATE_LIMIT_PER_MINUTE: '50',
      },
      '/',
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      nodeEnv: 'production',
      logLevel: 'warn',
      dataDir: '/var/lib/waymark',
      databaseReadUrl: 'postgresql://u@replica:5432/waymark',
      publicUrl: 'https://waymark.example',
      trustProxy: '10.0.0.1',
      rateLimitPerMinute: 0,
      smtpUrl: 'smtp://mail.example:587',
      auth: {
        oidc: { issuerUrl: 'https://id.example', clientId: 'waymark', clientSecret: 's3cret' },
        github: undefined,
        requestsPerMinute: 50,
        accessTokenTtlSeconds: 600,
      },
    });
    // A PEM written on one line with literal \n (as in .env files) is unfolded.
    expect(config.auth.jwtPrivateKey).toBe(
      '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI…\n-----END PRIVATE KEY-----',
    );
  });

  it('refuses production without signing keys, and half-set pairs', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/NODE_ENV=production needs JWT_PRIVATE_KEY/);
    expect(() => loadConfig({ GITHUB_CLIENT_ID: 'x' })).toThrow(
      /GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET go together/,
    );
    expect(() => loadConfig({ OIDC_ISSUER_URL: 'https://id.example' })).toThrow(
      /OIDC_ISSUER_URL needs OIDC_CLIENT_ID/,
    );
    expect(() => loadConfig({ JWT_PRIVATE_KEY: 'nope' })).toThrow(
      /JWT_PRIVATE_KEY must be an Ed25519 private key in PEM/,
    );
    expect(() => loadConfig({ ACCESS_TOKEN_TTL_SECONDS: '3600' })).toThrow(
      /ACCESS_TOKEN_TTL_SECONDS="3600" must be a whole number from 30 to 900/,
    );
  });

  it('reports every bad value at once, naming the variable and what it accepts', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://x',
        DATABASE_READ_URL: 'not a url',
        REDIS_URL: 'http://cache',
        RATE_LIMIT_PER_MINUTE: '-1',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/PORT="eighty" must be a whole number from 0 to 65535/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL="loud" must be one of: fatal, error/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL must be a postgres: or postgresql: URL/);
    expect(problems.join('\n')).toMatch(/DATABASE_READ_URL is not a valid URL/);
    expect(problems.join('\n')).toMatch(/REDIS_URL must be a redis: or rediss: URL/);
    expect(problems.join('\n')).toMatch(/RATE_LIMIT_PER_MINUTE="-1"/);
  });

  it('refuses a replica without a primary', () => {
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://r/db' })).toThrow(
      /DATABASE_READ_URL is set without DATABASE_URL/,
    );
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }).port).toBe(3000);
  });
});
