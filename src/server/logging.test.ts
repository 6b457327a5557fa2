// Nothing secret in the logs: tokens in URLs, and the parameters of a failed query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { users } from './db/schema.ts';
import { redactUrl } from './logging.ts';

describe('redactUrl', () => {
  it.each([
    ['/verify-email?token=abc123', '/verify-email?token=[redacted]'],
    [
      '/api/v1/auth/oauth/oidc/callback?code=c0de&state=s7at3&x=1',
      '/api/v1/auth/oauth/oidc/callback?code=[redacted]&state=[redacted]&x=1',
    ],
    ['/api/v1/me/calendar.ics?Token=t', '/api/v1/me/calendar.ics?Token=[redacted]'],
    ['/api/v1/roadmaps?limit=5&q=git', '/api/v1/roadmaps?limit=5&q=git'],
    ['/plain', '/plain'],
    ['/x?%zz=1&token', '/x?%zz=1&token'],
  ])('%s', (url, expected) => expect(redactUrl(url)).toBe(expected));
});

describe('the log of a running app', () => {
  let t: TestApp;
  const lines: string[] = [];
  const SECRET_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0c2FsdA$aVerySecretHashValueThatMustNotLeak';
  beforeAll(async () => {
    t = await createTestApp(
      { LOG_LEVEL: 'info' },
      { logStream: { write: (line: string) => lines.push(line) } },
      (app) => {
        // A write that fails in the database with a secret among its parameters (a check
        // constraint refuses the role), as a bug in a route would.
        app.post('/test/failing-insert', { schema: { hide: true } }, async () => {
          await t.db.primary.insert(users).values({
            email: 'leak@example.com',
            displayName: 'Leak',
            passwordHash: SECRET_HASH,
            role: 'superuser' as 'admin',
          });
          return {};
        });
      },
    );
  });
  afterAll(async () => t.close());

  it('redacts mail-link tokens and OAuth codes in access-log lines', async () => {
    await t.app.inject({
      url: '/verify-email?token=the-secret-mail-token',
      headers: { accept: 'text/html' },
    });
    await t.app.inject({ url: '/api/v1/auth/oauth/oidc/callback?code=the-secret-code&state=the-state' });
    const log = lines.join('');
    expect(log).toContain('token=[redacted]');
    expect(log).not.toContain('the-secret-mail-token');
    expect(log).not.toContain('the-secret-code');
    expect(log).not.toContain('the-state');
  });

  it('logs a failed query with its SQL and code but never its parameters', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/test/failing-insert' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain(SECRET_HASH);
    const failure = lines.find((l) => l.includes('unhandled error'));
    expect(failure).toBeDefined();
    expect(failure).toMatch(/insert into \W{0,3}users/);
    expect(failure).toMatch(/23514/); // check_violation: what to debug with stays
    expect(lines.join('')).not.toContain('c2VjcmV0c2FsdA');
    expect(lines.join('')).not.toContain('leak@example.com');
  });
});
