// /api/v1/auth: thin handlers over the auth service, plus the HTTP-only parts of sessions —
// the refresh cookie of the web app and its CSRF checks.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../http/errors.ts';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import { sharedBudget } from '../../plugins/rate-limit.ts';
import {
  AuthResult,
  LoginBody,
  LogoutBody,
  OAuthCallbackQuery,
  OAuthStartQuery,
  PasswordResetBody,
  PasswordResetConfirmBody,
  ProviderParams,
  Providers,
  RefreshBody,
  SignupBody,
  VerifyEmailBody,
} from './schemas.ts';
import type { AuthService } from './service.ts';

export const REFRESH_COOKIE = 'waymark_refresh';
export const OAUTH_COOKIE = 'waymark_oauth';
/** The web app sends it to ask for (and to use) the httpOnly session cookie. */
export const WEB_CLIENT_HEADER = 'x-waymark-client';

export interface AuthRouteOptions {
  service: AuthService;
  publicUrl: string;
  /** Origins the web app is used at (config.webOrigins): the cookie is accepted from these. */
  webOrigins: string[];
  refreshTokenTtlSeconds: number;
  requestsPerMinute: number;
  failedLoginsPer15Minutes: number;
}

const tags = ['Accounts'];

export const authRoutes: FastifyPluginAsyncTypebox<AuthRouteOptions> = async (app, options) => {
  const { service, publicUrl, webOrigins } = options;
  const secure = publicUrl.startsWith('https:');
  // Every /auth route draws on one per-IP budget (0 turns it off) instead of the global limit.
  const config: FastifyContextConfig = { rateLimit: false };
  if (options.requestsPerMinute > 0) {
    app.addHook(
      'onRequest',
      sharedBudget(app, { name: 'auth', max: options.requestsPerMinute, timeWindowMs: 60_000 }),
    );
  }

  const isWeb = (request: FastifyRequest) => request.headers[WEB_CLIENT_HEADER] === 'web';

  /**
   * The web app's origin this request comes from: its Origin header, else its Host, when that
   * is one of the configured origins (both loopback spellings without PUBLIC_URL); else
   * undefined.
   */
  function webOriginOf(request: FastifyRequest): string | undefined {
    const given = request.headers.origin ?? `${request.protocol}://${request.headers.host ?? ''}`;
    return webOrigins.includes(given) ? given : undefined;
  }

  /** A request that the refresh cookie authenticates must come from our own web app (CSRF). */
  function assertSameSiteWebApp(request: FastifyRequest) {
    const requestOrigin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    if (
      !isWeb(request) ||
      (requestOrigin !== undefined && !webOrigins.includes(requestOrigin)) ||
      (site !== undefined && site !== 'same-origin' && site !== 'none')
    ) {
      throw new AppError(
        'forbidden',
        `Session cookies are only accepted from the Waymark web app at ${webOrigins.join(' or ')} (with the ${WEB_CLIENT_HEADER}: web header).`,
      );
    }
  }

  const setSessionCookie = (reply: FastifyReply, refreshToken: string) =>
    reply.setCookie(REFRESH_COOKIE, refreshToken, {
      path: '/api/v1/auth',
      httpOnly: true,
      secure,
      sameSite: 'lax',
      maxAge: options.refreshTokenTtlSeconds,
    });

  /** Web sign-ins keep the refresh token in an httpOnly cookie and out of the body. */
  function deliver(
    request: FastifyRequest,
    reply: FastifyReply,
    result: AuthResult & { refreshToken: string },
  ) {
    if (!isWeb(request)) return result;
    setSessionCookie(reply, result.refreshToken);
    const { refreshToken: _kept, ...body } = result;
    return body;
  }

  const meta = (request: FastifyRequest) => ({ userAgent: request.headers['user-agent'], ip: request.ip });

  app.post(
    '/api/v1/auth/signup',
    {
      config,
      schema: {
        security: access.public,
        tags,
        summary: 'Create an account',
        description:
          'Creates a learner account and signs it in. A confirmation link is mailed. Send `X-Waymark-Client: web` to receive the refresh token as an httpOnly cookie instead of in the body.',
        body: SignupBody,
        response: { 201: ref(AuthResult), ...problems(400, 409, 429) },
      },
    },
    async (request, reply) => {
      const result = await service.signup(request.body, meta(request));
      return reply.code(201).send(deliver(request, reply, result));
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      config,
      schema: {
        security: access.public,
        tags,
        summary: 'Sign in with email and password',
        description: `One answer (401) for an unknown email and a wrong password. Attempts are counted before the password is checked: past ${options.failedLoginsPer15Minutes} for one email from one address within 15 minutes, or 20 for one email from any addresses (each lock after that twice as long), or 100 a day, 429 with Retry-After. A right password clears the count.`,
        body: LoginBody,
        response: { 200: ref(AuthResult), ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => deliver(request, reply, await service.login(request.body, meta(request))),
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      config,
      schema: {
        security: access.public,
        tags,
        summary: 'Exchange a refresh token for a new pair',
        description:
          'The refresh token is spent: the answer carries its successor (refreshes of one token within the grace window all get the same one). Presenting a token spent longer ago ends the whole session (reuse detection). The web app omits the body token and sends its cookie with `X-Waymark-Client: web`; when it has no session cookie at all the answer is 204 (nobody is signed in in this browser — not an error).',
        body: RefreshBody,
        response: {
          200: ref(AuthResult),
          204: { type: 'null', description: 'The web app asked, and this browser has no session.' },
          ...problems(400, 401, 403, 429),
        },
      },
    },
    async (request, reply) => {
      let token = request.body?.refreshToken;
      if (!token) {
        token = request.cookies[REFRESH_COOKIE];
        // The web app asks at every page load whether anyone is signed in here: "nobody" is an
        // answer, not a failure (no 401 in the browser's console on every anonymous visit).
        if (!token && isWeb(request)) return reply.code(204).send(null);
        if (!token)
          throw new AppError('unauthorized', 'No refresh token: send `refreshToken`, or sign in again.');
        assertSameSiteWebApp(request);
      }
      return deliver(request, reply, await service.refresh(token));
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config,
      schema: {
        security: access.optional,
        tags,
        summary: 'Sign out of this session',
        description:
          'Ends the session named by `refreshToken`, the web session cookie, or the bearer access token: its refresh token no longer works.',
        body: LogoutBody,
        response: { 204: { type: 'null', description: 'Signed out.' }, ...problems(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      let refreshToken = request.body?.refreshToken;
      let sessionId: string | undefined;
      const cookie = request.cookies[REFRESH_COOKIE];
      if (!refreshToken && cookie) {
        assertSameSiteWebApp(request);
        refreshToken = cookie;
      }
      if (!refreshToken && request.user) sessionId = request.user.sessionId;
      await service.logout({ refreshToken, sessionId });
      if (cookie) reply.clearCookie(REFRESH_COOKIE, { path: '/api/v1/auth' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/providers',
    {
      config,
      schema: {
        security: access.public,
        tags,
        summary: 'The sign-in providers configured here',
        response: { 200: ref(Providers), ...problems(429) },
      },
    },
    async () => ({ items: service.providers() }),
  );

  app.get(
    '/api/v1/auth/oauth/:provider/start',
    {
      config,
      schema: {
        security: access.public,
        tags,
        summary: 'Start signing in with a provider',
        description:
          'Redirects (302) to the provider with `state`, a PKCE `code_challenge` (S256) and a `nonce`; they are kept for the callback in a short-lived, signed, httpOnly cookie.',
        params: ProviderParams,
        querystring: OAuthStartQuery,
        response: { 302: { type: 'null', description: 'To the provider.' }, ...problems(400, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const start = await service.oauthStart(
        request.params.provider,
        request.query.returnTo,
        webOriginOf(request) ?? publicUrl,
      );
      reply.setCookie(OAUTH_COOKIE, start.stateCookie, {
        path: '/api/v1/auth/oauth',
        httpOnly: true,
        secure,
        sameSite: 'lax',
        maxAge: 600,
      });
      return reply.redirect(start.redirectUrl, 302);
    },
  );

  app.get(
    '/api/v1/auth/oauth/:provider/callback',
    {
      config,
      schema: {
        security: access.public,
        tags,
        summary: 'Where the provider returns the browser',
        description:
          'Checks `state` against the cookie set at start, exchanges the code with the PKCE verifier, checks the ID token (signature, audience, nonce), then signs in: the account linked to this identity, else the account with the same *verified* email, else a new one. Sets the web session cookie and redirects (302) to the web app. A wrong `state` → 400.',
        params: ProviderParams,
        querystring: OAuthCallbackQuery,
        response: {
          302: { type: 'null', description: 'Signed in; back to the web app.' },
          ...problems(400, 401, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const cookie = request.cookies[OAUTH_COOKIE];
      // The state cookie is single-use whatever happens next: a replayed callback finds none.
      reply.clearCookie(OAUTH_COOKIE, { path: '/api/v1/auth/oauth' });
      const result = await service.oauthCallback(
        request.params.provider,
        request.query,
        cookie,
        meta(request),
      );
      setSessionCookie(reply, result.refreshToken);
      return reply.redirect(result.returnTo, 302);
    },
  );

  app.post(
    '/api/v1/auth/password-reset',
    {
      config,
      schema: {
        security: access.public,
        tags,
        summary: 'Mail a password-reset link',
        description:
          'Always 202, whether or not the address has an account. The link works once, for 30 minutes.',
        body: PasswordResetBody,
        response: { 202: { type: 'null', description: 'Accepted.' }, ...problems(400, 429) },
      },
    },
    async (request, reply) => {
      await service.requestPasswordReset(request.body.email);
      return reply.code(202).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password-reset/confirm',
    {
      config,
      schema: {
        security: access.public,
        tags,
        summary: 'Set a new password with a reset token',
        description: 'Every existing session of the account is ended.',
        body: PasswordResetConfirmBody,
        response: { 204: { type: 'null', description: 'Password changed.' }, ...problems(400, 429) },
      },
    },
    async (request, reply) => {
      await service.confirmPasswordReset(request.body.token, request.body.password);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/verify-email',
    {
      config,
      schema: {
        security: access.public,
        tags,
        summary: 'Confirm an email address with the mailed token',
        body: VerifyEmailBody,
        response: { 204: { type: 'null', description: 'Confirmed.' }, ...problems(400, 429) },
      },
    },
    async (request, reply) => {
      await service.verifyEmail(request.body.token);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/verify-email/resend',
    {
      config,
      schema: {
        tags,
        summary: 'Mail a new confirmation link',
        security: access.signedIn,
        response: {
          202: { type: 'null', description: 'Sent (unless already confirmed).' },
          ...problems(401, 429),
        },
      },
    },
    async (request, reply) => {
      await service.resendVerification(currentUser(request).userId);
      return reply.code(202).send(null);
    },
  );
};
