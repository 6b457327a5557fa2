import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import securityHeaders, { helmetHeaders } from './security-headers.ts';

describe('security headers', () => {
  it("are helmet's own defaults, computed once", () => {
    const headers = helmetHeaders();
    expect(headers).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'cross-origin-opener-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
    });
    expect(headers).not.toHaveProperty('x-powered-by');
    expect(helmetHeaders({ frameguard: { action: 'deny' } })['x-frame-options']).toBe('DENY');
  });

  it('reach every reply, errors and unknown routes included, with the request id', async () => {
    const app = Fastify({ logger: false });
    await app.register(securityHeaders);
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    for (const url of ['/boom', '/nowhere']) {
      const res = await app.inject({ url, headers: { 'x-request-id': 'abc' } });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['x-request-id']).toBeTruthy();
    }
    await app.close();
  });
});
