import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import errorHandling from './error-handling.ts';

// The plugin on a small app with fixture routes for every kind of failure.
let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify({
    logger: false,
    bodyLimit: 1024,
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(errorHandling);
  app.post(
    '/things',
    {
      schema: {
        body: Type.Object(
          {
            name: Type.String({ minLength: 2 }),
            size: Type.Integer({ minimum: 1 }),
            kind: Type.Enum(['a', 'b']),
            level: Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('high')])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => request.body,
  );
  app.get('/things/:id', async () => {
    throw new AppError('conflict', 'Someone else changed it.', { headers: { 'retry-after': '3' } });
  });
  app.get('/boom', async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'rows') — select * from secrets");
  });
  app.get('/db-down', async () => {
    throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432 — select * from secrets'), {
      code: 'ECONNREFUSED',
    });
  });
  await app.ready();
});
afterAll(async () => app.close());

function problem(
  res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  status: number,
) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.json() as {
    type: string;
    title: string;
    status: number;
    detail: string;
    instance: string;
    requestId: string;
    errors?: { path: string; message: string }[];
  };
}

describe('error handling', () => {
  it('lists every invalid body field with a JSON pointer, including unknown and missing ones', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'x', kind: 'c', role: 'admin', level: 'mid' },
    });
    const body = problem(res, 400);
    expect(body.type).toBe('urn:waymark:problem:validation');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { path: '/body/name', message: expect.stringMatching(/fewer than 2|at least 2|NOT have fewer/i) },
        { path: '/body/size', message: 'is required' },
        {
          path: '/body/kind',
          message: expect.stringMatching(/a, b|equal to one of the allowed values|must be/),
        },
        { path: '/body/role', message: 'is not a known property' },
        { path: '/body/level', message: 'must be one of: low, high' },
      ]),
    );
    // One entry per field: the union's branches are not listed one by one.
    expect(body.errors!.filter((e) => e.path === '/body/level')).toHaveLength(1);
    expect(body.detail).toMatch(/fields are invalid/);
  });

  it('turns malformed JSON into a 400 problem', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(problem(res, 400).detail).toMatch(/JSON/i);
  });

  it('answers 415 for a body type the route does not take', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(problem(res, 415).title).toBe('Unsupported Media Type');
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'x'.repeat(2000), size: 1, kind: 'a' },
    });
    problem(res, 413);
  });

  it('answers 405 with Allow for a known path and the wrong method', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/things' });
    expect(problem(res, 405).detail).toMatch(/DELETE is not supported on \/things\. Allowed: POST/);
    expect(res.headers.allow).toBe('POST');
    const param = await app.inject({ method: 'PUT', url: '/things/42' });
    expect(param.headers.allow).toBe('GET, HEAD');
  });

  it('answers 404 problem+json for unknown paths', async () => {
    const body = problem(await app.inject({ method: 'GET', url: '/nowhere?x=1' }), 404);
    expect(body).toMatchObject({ title: 'Not found', instance: '/nowhere' });
    expect(body.requestId).toBeTruthy();
  });

  it('maps AppError codes to status, title and headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/things/1' });
    expect(problem(res, 409)).toMatchObject({
      type: 'urn:waymark:problem:conflict',
      title: 'Conflict',
      detail: 'Someone else changed it.',
    });
    expect(res.headers['retry-after']).toBe('3');
  });

  it('answers 503 with Retry-After when the database does not answer, without internals', async () => {
    const res = await app.inject({ method: 'GET', url: '/db-down' });
    expect(problem(res, 503).detail).toMatch(/database is not answering/);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).not.toMatch(/ECONNREFUSED|secrets|select|10\.0\.0\.5/);
  });

  it('never shows internals on a 500', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    const body = problem(res, 500);
    expect(body.detail).toMatch(/report request id/);
    expect(res.body).not.toMatch(/ECONNREFUSED|secrets|select|rows|\.ts:/);
  });
});
