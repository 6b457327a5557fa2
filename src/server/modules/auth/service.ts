// Accounts and sessions: sign-up, sign-in (password or provider), refresh-token rotation with
// reuse detection, sign-out, password reset and email verification, and the check behind every
// authenticated request. Routes call these; SQL is in repo.ts and users/.
import type { Database } from '../../db/client.ts';
import type { Role } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import type { Cache } from '../../infra/cache.ts';
import type { Mailer } from '../../infra/mailer.ts';
import type { PubSub } from '../../infra/pubsub.ts';
import { toUser, type UserRow, type UserService } from '../users/service.ts';
import type { OAuthProvider } from './oauth.ts';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.ts';
import * as repo from './repo.ts';
import type { AuthResult } from './schemas.ts';
import { hashToken, InvalidTokenError, randomToken, type AccessClaims, type AccessTokens } from './tokens.ts';

export const MAIL_TOKEN_TTL_MS = 30 * 60 * 1000;
const REVOKED_CHANNEL = 'auth:v1:revoked-sessions';
const STATE_AUDIENCE = 'waymark-oauth-state';
const STATE_TTL_SECONDS = 600;

/** The one answer for every failed sign-in: it must not tell which part was wrong. */
const BAD_CREDENTIALS = 'The email or password is not right. Try again, or reset your password.';

export interface SessionMeta {
  userAgent?: string | undefined;
}

/** The caller of an authenticated request. */
export type Authenticated = AccessClaims;

/** What the route needs to finish an OAuth start: where to send the browser, what to keep. */
export interface OAuthStart {
  redirectUrl: string;
  stateCookie: string;
}

export function unauthorized(detail: string): AppError {
  return new AppError('unauthorized', detail, {
    headers: {
      'www-authenticate': `Bearer error="invalid_token", error_description="${detail.replace(/"/g, "'")}"`,
    },
  });
}

export function createAuthService(deps: {
  db: Database;
  cache: Cache;
  users: UserService;
  tokens: AccessTokens;
  mailer: Mailer;
  pubsub: PubSub;
  providers: Map<string, OAuthProvider>;
  publicUrl: string;
  refreshTokenTtlSeconds: number;
}) {
  const { db, users, tokens, mailer, pubsub, providers, publicUrl } = deps;

  // Access tokens are checked without the database; sessions revoked since (sign-out
  // everywhere, password reset, account deletion) are remembered here for as long as a token
  // issued before could live, and every instance hears of them through pub/sub.
  const revoked = new Map<string, number>();
  const ready = pubsub.subscribe(REVOKED_CHANNEL, (message) => {
    const until = Date.now() + tokens.ttlSeconds * 1000;
    for (const id of (message as { sessionIds?: string[] }).sessionIds ?? []) revoked.set(id, until);
    for (const [id, expiry] of revoked) if (expiry < Date.now()) revoked.delete(id);
  });

  async function announceRevoked(sessionIds: string[]) {
    if (sessionIds.length > 0) await pubsub.publish(REVOKED_CHANNEL, { sessionIds });
  }

  // A hash to verify against when the email is unknown, so both failures take the same time.
  let dummyHash: Promise<string> | undefined;

  async function issue(user: UserRow, meta: SessionMeta): Promise<AuthResult & { refreshToken: string }> {
    const refreshToken = randomToken();
    const sessionId = await repo.createSession(db.primary, {
      userId: user.id,
      userAgent: meta.userAgent,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(Date.now() + deps.refreshTokenTtlSeconds * 1000),
    });
    const accessToken = await tokens.sign({ userId: user.id, role: user.role, sessionId });
    return { user: toUser(user), accessToken, refreshToken, expiresIn: tokens.ttlSeconds };
  }

  function checkNewPassword(password: string, user: { email: string; displayName: string }, path: string) {
    const problems = passwordProblems(password, user, path);
    if (problems.length > 0) {
      throw new AppError('validation', `The password ${problems[0]!.message}.`, { errors: problems });
    }
  }

  async function sendMailToken(user: UserRow, purpose: repo.MailTokenPurpose) {
    const token = randomToken();
    await repo.insertMailToken(db.primary, {
      tokenHash: hashToken(token),
      userId: user.id,
      purpose,
      expiresAt: new Date(Date.now() + MAIL_TOKEN_TTL_MS),
    });
    const page = purpose === 'password_reset' ? 'reset-password' : 'verify-email';
    const link = `${publicUrl}/${page}?token=${encodeURIComponent(token)}`;
    const text =
      purpose === 'password_reset'
        ? `Hello ${user.displayName},\n\nSomeone (we hope you) asked to reset the password of your Waymark account.\nChoose a new one here within 30 minutes:\n\n${link}\n\nIf it was not you, ignore this mail: your password stays as it is.\n`
        : `Hello ${user.displayName},\n\nWelcome to Waymark. Confirm your email address within 30 minutes:\n\n${link}\n`;
    await mailer.send({
      to: user.email,
      subject:
        purpose === 'password_reset' ? 'Reset your Waymark password' : 'Confirm your email for Waymark',
      text,
    });
  }

  return {
    /** Resolves once this instance listens for revocations. */
    ready,

    async signup(input: { email: string; password: string; displayName: string }, meta: SessionMeta) {
      checkNewPassword(input.password, input, '/body/password');
      const user = await users.create({
        email: input.email,
        displayName: input.displayName,
        passwordHash: await hashPassword(input.password),
      });
      await sendMailToken(user, 'email_verification');
      return issue(user, meta);
    },

    async login(input: { email: string; password: string }, meta: SessionMeta) {
      const user = await users.findByEmail(input.email);
      if (!user?.passwordHash) {
        dummyHash ??= hashPassword(randomToken());
        await verifyPassword(await dummyHash, input.password);
        throw new AppError('unauthorized', BAD_CREDENTIALS);
      }
      const { ok, needsRehash } = await verifyPassword(user.passwordHash, input.password);
      if (!ok) throw new AppError('unauthorized', BAD_CREDENTIALS);
      if (needsRehash) await users.setPasswordHash(user.id, await hashPassword(input.password));
      return issue(user, meta);
    },

    /** Spends a refresh token for a new pair; a spent one revokes its whole session. */
    async refresh(refreshToken: string) {
      const oldHash = hashToken(refreshToken);
      const row = await repo.findRefreshToken(db.primary, oldHash);
      if (!row || row.revokedAt) throw unauthorized('The session has ended. Sign in again.');
      if (row.spentAt) {
        await repo.revokeSession(db.primary, row.sessionId);
        await announceRevoked([row.sessionId]);
        throw unauthorized(
          'This refresh token was already used, so the session was ended for safety. Sign in again.',
        );
      }
      if (row.expiresAt.getTime() <= Date.now())
        throw unauthorized('The session has expired. Sign in again.');
      const next = randomToken();
      const rotated = await repo.rotateRefreshToken(db.primary, {
        sessionId: row.sessionId,
        oldHash,
        newHash: hashToken(next),
        expiresAt: new Date(Date.now() + deps.refreshTokenTtlSeconds * 1000),
      });
      if (!rotated) {
        // Spent by a concurrent request between our read and our write: the same reuse.
        await repo.revokeSession(db.primary, row.sessionId);
        await announceRevoked([row.sessionId]);
        throw unauthorized(
          'This refresh token was already used, so the session was ended for safety. Sign in again.',
        );
      }
      const user = await users.get(row.userId).catch(() => undefined);
      if (!user) throw unauthorized('The account no longer exists.');
      const accessToken = await tokens.sign({ userId: user.id, role: user.role, sessionId: row.sessionId });
      return { user: toUser(user), accessToken, refreshToken: next, expiresIn: tokens.ttlSeconds };
    },

    /** Ends one session, named by its refresh token or by the access token's session. */
    async logout(input: { refreshToken?: string | undefined; sessionId?: string | undefined }) {
      let sessionId = input.sessionId;
      if (!sessionId && input.refreshToken) {
        sessionId = (await repo.findRefreshToken(db.primary, hashToken(input.refreshToken)))?.sessionId;
      }
      if (!sessionId) throw unauthorized('Sign-out needs the session: a refresh token or an access token.');
      await repo.revokeSession(db.primary, sessionId);
      await announceRevoked([sessionId]);
    },

    /** Ends every session of a user (password reset, account deletion). */
    async revokeAll(userId: string) {
      await announceRevoked(await repo.revokeAllSessions(db.primary, userId));
    },

    /** The check behind every authenticated request. */
    async authenticate(accessToken: string): Promise<Authenticated> {
      await ready;
      let claims: AccessClaims;
      try {
        claims = await tokens.verify(accessToken);
      } catch (err) {
        if (err instanceof InvalidTokenError)
          throw unauthorized(`${err.message[0]!.toUpperCase()}${err.message.slice(1)}.`);
        throw err;
      }
      if (revoked.has(claims.sessionId)) throw unauthorized('The session has ended. Sign in again.');
      return claims;
    },

    async requestPasswordReset(email: string) {
      const user = await users.findByEmail(email);
      // The answer is the same either way (no account enumeration); only a real account gets mail.
      if (user) await sendMailToken(user, 'password_reset');
    },

    async confirmPasswordReset(token: string, password: string) {
      const tokenHash = hashToken(token);
      const userId = await repo.findMailTokenUser(db.primary, tokenHash, 'password_reset');
      const user = userId ? await users.get(userId).catch(() => undefined) : undefined;
      if (!user) {
        throw new AppError(
          'validation',
          'This reset link is not valid any more: it was used, or it expired after 30 minutes. Ask for a new one.',
          {
            errors: [{ path: '/body/token', message: 'is used, expired or unknown' }],
          },
        );
      }
      checkNewPassword(password, user, '/body/password');
      // Consumed only now, so a refused password does not burn the link.
      if (!(await repo.consumeMailToken(db.primary, tokenHash, 'password_reset'))) {
        throw new AppError('validation', 'This reset link was just used. Ask for a new one.', {
          errors: [{ path: '/body/token', message: 'is used, expired or unknown' }],
        });
      }
      await users.setPasswordHash(user.id, await hashPassword(password));
      if (!user.emailVerifiedAt) await users.markEmailVerified(user.id); // the mail reached them
      await announceRevoked(await repo.revokeAllSessions(db.primary, user.id));
    },

    async verifyEmail(token: string) {
      const userId = await repo.consumeMailToken(db.primary, hashToken(token), 'email_verification');
      if (!userId) {
        throw new AppError(
          'validation',
          'This confirmation link is not valid any more. Sign in and ask for a new one.',
          {
            errors: [{ path: '/body/token', message: 'is used, expired or unknown' }],
          },
        );
      }
      await users.markEmailVerified(userId);
    },

    async resendVerification(userId: string) {
      const user = await users.get(userId);
      if (user.emailVerifiedAt) return;
      await sendMailToken(user, 'email_verification');
    },

    providers(): { id: string; name: string }[] {
      return [...providers.values()].map((p) => ({ id: p.id, name: p.name }));
    },

    async oauthStart(providerId: string, returnTo: string | undefined): Promise<OAuthStart> {
      const provider = providers.get(providerId);
      if (!provider)
        throw new AppError('not_found', `No sign-in provider "${providerId}" is configured here.`);
      const request = await provider.authorizationRequest(callbackUrl(providerId)).catch((err: unknown) => {
        throw new AppError(
          'unavailable',
          `${provider.name} does not answer right now. Try again in a moment.`,
          { cause: err },
        );
      });
      const stateCookie = await tokens.signState(
        {
          provider: providerId,
          state: request.state,
          nonce: request.nonce,
          verifier: request.codeVerifier,
          returnTo: returnTo ?? '/dashboard',
        },
        STATE_TTL_SECONDS,
        STATE_AUDIENCE,
      );
      return { redirectUrl: request.url, stateCookie };
    },

    /**
     * Finishes a provider sign-in. The account is the one already linked to this identity;
     * else the account with the same email — only when the provider says it verified it;
     * else a new account.
     */
    async oauthCallback(
      providerId: string,
      query: { state?: string | undefined; code?: string | undefined; error?: string | undefined },
      stateCookie: string | undefined,
      meta: SessionMeta,
    ) {
      const provider = providers.get(providerId);
      if (!provider)
        throw new AppError('not_found', `No sign-in provider "${providerId}" is configured here.`);
      const badState = () =>
        new AppError(
          'validation',
          'This sign-in attempt is not one we started, or it took too long. Start again.',
          {
            errors: [
              { path: '/querystring/state', message: 'does not match the sign-in started in this browser' },
            ],
          },
        );
      if (!stateCookie || !query.state) throw badState();
      const expected = await tokens.verifyState(stateCookie, STATE_AUDIENCE).catch(() => {
        throw badState();
      });
      if (expected.provider !== providerId || expected.state !== query.state) throw badState();
      // Each started sign-in finishes once: a replayed callback (same cookie, same code) is refused.
      if (!(await deps.cache.add(`auth:v1:oauth-state:${expected.state}`, 1, STATE_TTL_SECONDS)))
        throw badState();
      if (query.error) {
        throw new AppError('unauthorized', `${provider.name} did not sign you in (${query.error}).`);
      }
      const url = new URL(callbackUrl(providerId));
      for (const [key, value] of Object.entries(query))
        if (value !== undefined) url.searchParams.set(key, value);
      let identity;
      try {
        identity = await provider.identify(url, {
          state: expected.state!,
          nonce: expected.nonce!,
          codeVerifier: expected.verifier!,
        });
      } catch (err) {
        throw new AppError('unauthorized', `${provider.name} sign-in could not be verified. Start again.`, {
          cause: err,
        });
      }

      let user: UserRow | undefined;
      const linked = await repo.findIdentity(db.primary, providerId, identity.subject);
      if (linked) user = await users.get(linked).catch(() => undefined);
      if (!user) {
        if (!identity.email || !identity.emailVerified) {
          throw new AppError(
            'forbidden',
            `${provider.name} did not confirm an email address for this account, so it cannot be used to sign in here. Verify your email with ${provider.name} first.`,
          );
        }
        user =
          (await users.findByEmail(identity.email)) ??
          (await users.create({
            email: identity.email,
            displayName: identity.name?.trim() || identity.email.split('@')[0]!,
            passwordHash: null,
            emailVerified: true,
          }));
        await repo.linkIdentity(db.primary, {
          provider: providerId,
          subject: identity.subject,
          userId: user.id,
          email: identity.email,
        });
        if (!user.emailVerifiedAt) await users.markEmailVerified(user.id);
      }
      const result = await issue(user, meta);
      return { ...result, returnTo: expected.returnTo ?? '/dashboard' };
    },
  };

  function callbackUrl(providerId: string) {
    return `${publicUrl}/api/v1/auth/oauth/${providerId}/callback`;
  }
}

export type AuthService = ReturnType<typeof createAuthService>;
export type { Role };
