// Every error leaves the server as RFC 9457 application/problem+json, shaped here and nowhere
// else: typed AppErrors from services, request validation failures (with one entry per field),
// Fastify's own 4xx (bad JSON, body too large, unsupported media type), unknown routes (404),
// known routes called with the wrong method (405 + Allow). Anything else is a 500 whose
// details go to the log, never to the client.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import FindMyWay from 'find-my-way';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { AppError, ERROR_CODES, type FieldError } from '../http/errors.ts';
import type { Problem } from '../http/schemas.ts';
import { FORMAT_MESSAGES } from '../http/validation.ts';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export function problemType(code: string): string {
  return `urn:waymark:problem:${code}`;
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Omit<Problem, 'instance' | 'requestId'>,
  headers: Record<string, string> = {},
) {
  const body: Problem = { ...problem, instance: request.url.split('?')[0], requestId: String(request.id) };
  return reply.code(problem.status).headers(headers).type('application/problem+json').send(body);
}

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Fastify/Ajv validation errors → `{path, message}` pointers into the request. */
function fieldErrors(error: FastifyError): FieldError[] {
  const where = error.validationContext ?? 'body';
  const issues = error.validation as ValidationIssue[];
  // A union of literals fails as one `const` issue per branch plus an `anyOf`: say it once,
  // as the list of allowed values.
  const allowed = new Map<string, unknown[]>();
  for (const issue of issues) {
    if (issue.keyword === 'const') {
      allowed.set(issue.instancePath, [
        ...(allowed.get(issue.instancePath) ?? []),
        issue.params.allowedValue,
      ]);
    }
  }
  const unions = new Set(issues.filter((i) => i.keyword === 'anyOf').map((i) => i.instancePath));
  return issues.flatMap((issue): FieldError[] => {
    if (unions.has(issue.instancePath) && allowed.has(issue.instancePath)) {
      if (issue.keyword !== 'anyOf') return [];
      return [
        {
          path: `/${where}${issue.instancePath}`,
          message: `must be one of: ${allowed.get(issue.instancePath)!.join(', ')}`,
        },
      ];
    }
    let path = `/${where}${issue.instancePath}`;
    if (issue.keyword === 'required') path += `/${String(issue.params.missingProperty)}`;
    if (issue.keyword === 'additionalProperties') {
      return [
        { path: `${path}/${String(issue.params.additionalProperty)}`, message: 'is not a known property' },
      ];
    }
    if (issue.keyword === 'required') return [{ path, message: 'is required' }];
    if (issue.keyword === 'format') {
      const format = String(issue.params.format);
      return [{ path, message: FORMAT_MESSAGES[format] ?? `must be a valid ${format}` }];
    }
    if (issue.keyword === 'enum') {
      const values = (issue.params.allowedValues as unknown[] | undefined)?.map(String).join(', ');
      return [{ path, message: `must be one of: ${values}` }];
    }
    return [{ path, message: issue.message ?? 'is invalid' }];
  });
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route runs — a path whose
 * percent-encoding is broken (400) or a path parameter longer than the router takes (414) —
 * answered as problems like everything else.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  return sendProblem(request, reply, {
    type: problemType('validation'),
    title: tooLong ? 'URI too long' : ERROR_CODES.validation.title,
    status: tooLong ? 414 : 400,
    detail: tooLong
      ? 'A part of this path is longer than any name here (at most 100 characters).'
      : 'The path is not valid: it has a broken percent-encoding (every % must start a UTF-8 byte like %2F).',
  });
}

async function errorHandling(app: FastifyInstance) {
  // A shadow router of every route, to tell "no such path" (404) from "wrong method" (405).
  const shadow = FindMyWay();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if ((METHODS as readonly string[]).includes(method) && !shadow.hasRoute(method as 'GET', route.url)) {
        shadow.on(method as 'GET', route.url, () => {});
      }
    }
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // The web app's own pages: any GET outside the API that a browser asks HTML for.
    if (
      app.webIndex &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      !path.startsWith('/api/') &&
      request.headers.accept?.includes('text/html')
    ) {
      return app.sendWebIndex(request, reply);
    }
    const allowed = METHODS.filter((m) => shadow.find(m, path) !== null);
    if (allowed.length > 0) {
      return sendProblem(
        request,
        reply,
        {
          type: 'about:blank',
          title: 'Method not allowed',
          status: 405,
          detail: `${request.method} is not supported on ${path}. Allowed: ${allowed.join(', ')}.`,
        },
        { allow: allowed.join(', ') },
      );
    }
    return sendProblem(request, reply, {
      type: 'about:blank',
      title: 'Not found',
      status: 404,
      detail: `There is nothing at ${request.method} ${path}. The API reference is at /api/docs.`,
    });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return sendProblem(
        request,
        reply,
        {
          type: problemType(error.code),
          title: ERROR_CODES[error.code].title,
          status: error.status,
          detail: error.detail,
          ...(error.errors ? { errors: error.errors } : {}),
        },
        error.headers,
      );
    }
    if (error.validation) {
      const errors = fieldErrors(error);
      return sendProblem(request, reply, {
        type: problemType('validation'),
        title: ERROR_CODES.validation.title,
        status: 400,
        detail: `${errors.length === 1 ? 'One field is' : `${errors.length} fields are`} invalid: ${errors
          .map((e) => `${e.path} ${e.message}`)
          .join('; ')}.`,
        errors,
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's client errors (bad JSON, body too large, unsupported media type, 429 from the
      // rate limiter) carry messages written for clients.
      return sendProblem(
        request,
        reply,
        { type: 'about:blank', title: STATUS_CODES[status] ?? 'Client error', status, detail: error.message },
        retryAfter(reply),
      );
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, 'database unavailable');
      return sendProblem(
        request,
        reply,
        {
          type: problemType('unavailable'),
          title: ERROR_CODES.unavailable.title,
          status: 503,
          detail: 'The database is not answering right now. Nothing was changed; try again in a few seconds.',
        },
        { 'retry-after': '5' },
      );
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, {
      type: 'about:blank',
      title: 'Internal server error',
      status: 500,
      detail: `Something went wrong on our side. Try again; if it keeps happening, report request id ${request.id}.`,
    });
  });
}

function retryAfter(reply: FastifyReply): Record<string, string> {
  const value = reply.getHeader('retry-after');
  return value === undefined ? {} : { 'retry-after': String(value) };
}

export default fp(errorHandling, { name: 'error-handling' });
