// Who is calling. Every route under /api/v1 declares who may call it in one place — its
// OpenAPI `security` (use `access.*` below) — and this plugin enforces exactly that declaration,
// so the API reference and the server cannot disagree:
//   access.public    anyone (`security: []`)
//   access.signedIn  a valid access token of a live session (`[{ bearer: [] }]`)
//   access.optional  anyone; a token, when sent, must be valid (`[{ bearer: [] }, {}]`)
//   access.scoped(s) signed in, or a personal access token (`wmk_…`) holding scope `s`
//                    (`[{ bearer: [] }, { personalAccessToken: [s] }]`)
// A personal access token is refused (403, the scope named) on every route not declared
// `access.scoped` with a scope it holds: tokens, sessions, the password and the account are
// never reachable with one.
// A route that declares nothing is a start-up error. What a signed-in caller may do to a given
// object is decided by the services through the policies layer (src/server/policies/).
//
// No or a bad token → 401 with `WWW-Authenticate: Bearer` (RFC 6750 §3), as problem+json.
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../http/errors.ts';
import { Problem, ref } from '../http/schemas.ts';
import type { TokenScope } from '../db/schema.ts';
import type { AuthService, Authenticated } from '../modules/auth/service.ts';
import type { TokenService } from '../modules/tokens/service.ts';
import type { Actor } from '../policies/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in caller; null on public routes and anonymous calls of optional ones. */
    user: Authenticated | null;
  }
  interface FastifyInstance {
    authenticate: preHandlerAsyncHookHandler;
  }
}

type Security = Record<string, string[]>[];

export const access = {
  public: [] as Security,
  signedIn: [{ bearer: [] }] as Security,
  optional: [{ bearer: [] }, {}] as Security,
  scoped: (scope: TokenScope): Security => [{ bearer: [] }, { personalAccessToken: [scope] }],
};

/** The signed-in caller of a route declared `access.signedIn`. */
export function currentUser(request: FastifyRequest): Authenticated {
  if (!request.user) throw new Error('route used currentUser() without access.signedIn');
  return request.user;
}

/** The caller as the policies see it: a user with their current role, or nobody. */
export function actorOf(request: FastifyRequest): Actor {
  return request.user ? { userId: request.user.userId, role: request.user.role } : null;
}

type Mode = 'public' | 'required' | 'optional';

function modeOf(security: unknown, route: string): Mode {
  if (!Array.isArray(security)) {
    throw new Error(
      `${route} declares no schema.security: use access.public, access.signedIn or access.optional`,
    );
  }
  if (security.length === 0) return 'public';
  const anonymousAllowed = security.some((s) => Object.keys(s as object).length === 0);
  return anonymousAllowed ? 'optional' : 'required';
}

/** The scope a route accepts personal access tokens with (`access.scoped`), if any. */
function scopeOf(security: Security): string | undefined {
  return security.find((s) => s.personalAccessToken)?.personalAccessToken?.[0];
}

async function auth(app: FastifyInstance, options: { service: AuthService; tokens: TokenService }) {
  app.decorateRequest('user', null);

  const bearerOf = (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      throw new AppError('unauthorized', 'Sign in first: send `Authorization: Bearer <access token>`.', {
        headers: { 'www-authenticate': 'Bearer realm="waymark"' },
      });
    }
    return match[1]!;
  };

  /** The check for a route that accepts tokens with `scope` (or none at all). */
  const authenticateFor = (scope: string | undefined) =>
    async function authenticate(request: FastifyRequest) {
      const bearer = bearerOf(request);
      if (!options.tokens.isToken(bearer)) {
        request.user = await options.service.authenticate(bearer);
        return;
      }
      const caller = await options.tokens.authenticate(bearer);
      if (scope === undefined || !caller.scopes.includes(scope as TokenScope)) {
        throw new AppError(
          'forbidden',
          scope === undefined
            ? 'Personal access tokens cannot do this: sign in to Waymark instead.'
            : `This personal access token lacks the \`${scope}\` scope. Make one with it in Settings.`,
          {
            headers: {
              'www-authenticate': `Bearer realm="waymark", error="insufficient_scope"${scope ? `, scope="${scope}"` : ''}`,
            },
          },
        );
      }
      request.user = caller;
    };
  const authenticate = authenticateFor(undefined);
  app.decorate('authenticate', authenticate);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1/')) return;
    const mode = modeOf(route.schema?.security, `${String(route.method)} ${route.url}`);
    if (mode === 'public') return;
    const required = authenticateFor(scopeOf(route.schema!.security as Security));
    // Any signed-in route can meet a personal access token it refuses: say so in its responses.
    const responses = route.schema!.response as Record<string, unknown> | undefined;
    if (responses && !(403 in responses)) responses[403] = ref(Problem);
    const check =
      mode === 'required'
        ? required
        : async (request: FastifyRequest) => {
            if (request.headers.authorization !== undefined) await required(request);
          };
    const existing = route.preHandler ? [route.preHandler].flat() : [];
    route.preHandler = [check, ...existing];
  });
}

export default fp(auth, { name: 'auth' });
