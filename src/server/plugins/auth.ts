// Who is calling. `app.authenticate` (a preHandler) reads `Authorization: Bearer <access JWT>`,
// has the auth service verify it, and sets `request.user`; `app.requireRole(...)` then refuses
// other roles with 403. Per-object checks ("is this yours?") live in the services.
//
// No or a bad token → 401 with `WWW-Authenticate: Bearer` (RFC 6750 §3), as problem+json.
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { AuthService, Authenticated } from '../modules/auth/service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by app.authenticate; null on routes that do not require it. */
    user: Authenticated | null;
  }
  interface FastifyInstance {
    authenticate: preHandlerAsyncHookHandler;
    requireRole(...roles: Role[]): preHandlerAsyncHookHandler;
  }
}

/** The signed-in caller of a route guarded by app.authenticate. */
export function currentUser(request: FastifyRequest): Authenticated {
  if (!request.user) throw new Error('route used currentUser() without app.authenticate');
  return request.user;
}

/** For the OpenAPI document: what a protected route declares. */
export const bearerSecurity = [{ bearer: [] }];

async function auth(app: FastifyInstance, options: { service: AuthService }) {
  app.decorateRequest('user', null);

  app.decorate('authenticate', async function authenticate(request: FastifyRequest) {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      throw new AppError('unauthorized', 'Sign in first: send `Authorization: Bearer <access token>`.', {
        headers: { 'www-authenticate': 'Bearer realm="waymark"' },
      });
    }
    request.user = await options.service.authenticate(match[1]!);
  });

  app.decorate('requireRole', (...roles: Role[]): preHandlerAsyncHookHandler => {
    return async function requireRole(request: FastifyRequest) {
      if (!request.user || !roles.includes(request.user.role)) {
        throw new AppError('forbidden', `This needs the ${roles.join(' or ')} role.`);
      }
    };
  });
}

export default fp(auth, { name: 'auth' });
