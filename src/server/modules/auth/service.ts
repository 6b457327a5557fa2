// Accounts and sessions: sign-up, sign-in (password or provider), refresh-token rotation with a
// grace window and reuse detection, sign-out, the sessions a user sees and ends, password and
// email changes, password reset and email verification, and the check behind every
// authenticated request. Routes call these; SQL is in repo.ts and users/.
import { EventEmitter } from 'node:events';
import type { Database } from '../../db/client.ts';
import type { Role } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { isEmailAddress, toCleanLine } from '../../http/text.ts';
import type { Background } from '../../infra/background.ts';
import type { Cache } from '../../infra/cache.ts';
import type { Mailer } from '../../infra/mailer.ts';
import type { PubSub } from '../../infra/pubsub.ts';
import type { TokenScope } from '../../db/schema.ts';
import { normalizeEmail, toUser, type UserRow, type UserService } from '../users/service.ts';
import { createLoginLimits, type LoginLimitOptions } from './login-limits.ts';
import type { OAuthProvider, ProviderIdentity } from './oauth.ts';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.ts';
import * as repo from './repo.ts';
import type { AuthResult } from './schemas.ts';
import { hashToken, InvalidTokenError, randomToken, type AccessClaims, type AccessTokens } from './tokens.ts';

export const MAIL_TOKEN_TTL_MS = 30 * 60 * 1000;
const REVOKED_CHANNEL = 'auth:v1:revoked-sessions';
const STATE_AUDIENCE = 'waymark-oauth-state';
const STATE_TTL_SECONDS = 600;
/** How long an instance trusts what it read of a session (revoked? which role?). */
export const SESSION_CHECK_MS = 5000;
const SESSION_STATES_MAX = 50_000;
/** Password-reset mails per address per hour; more requests answer the same and send nothing. */
const RESET_MAILS_PER_HOUR = 3;
/** How far a refresh follows a chain of successors spent within the grace window. */
const MAX_GRACE_HOPS = 8;

/** The one answer for every failed sign-in: it must not tell which part was wrong. */
const BAD_CREDENTIALS = 'The email or password is not right. Try again, or reset your password.';
const DISPLAY_NAME_MAX = 80;

export interface SessionMeta {
  userAgent?: string | undefined;
  /** The client's address, for the failed-sign-in limits. */
  ip?: string | undefined;
}

/** The caller of an authenticated request, with the role their account has now. */
/** The caller: an access token's claims; `scopes` only when they came with a personal access token. */
export type Authenticated = AccessClaims & { scopes?: readonly TokenScope[] };

/** What the route needs to finish an OAuth start: where to send the browser, what to keep. */
export interface OAuthStart {
  redirectUrl: string;
  stateCookie: string;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  current: boolean;
}

export function unauthorized(detail: string): AppError {
  return new AppError('unauthorized', detail, {
    headers: {
      'www-authenticate': `Bearer error="invalid_token", error_description="${detail.replace(/"/g, "'")}"`,
    },
  });
}

const sessionEnded = () => unauthorized('The session has ended. Sign in again.');
const reused = () =>
  unauthorized('This refresh token was already used, so the session was ended for safety. Sign in again.');

interface SessionState {
  revoked: boolean;
  role: Role;
  checkedAt: number;
}

export function createAuthService(deps: {
  db: Database;
  cache: Cache;
  users: UserService;
  tokens: AccessTokens;
  mailer: Mailer;
  pubsub: PubSub;
  background: Background;
  providers: Map<string, OAuthProvider>;
  publicUrl: string;
  refreshTokenTtlSeconds: number;
  refreshGraceSeconds: number;
  loginLimits: LoginLimitOptions;
  /** Personal access tokens, revoked with the sessions when a password is reset. */
  personalTokens?: { revokeAll(userId: string): Promise<void> };
  now?: () => number;
}) {
  const { db, users, tokens, mailer, pubsub, providers, publicUrl, background } = deps;
  const now = deps.now ?? Date.now;
  const loginLimits = createLoginLimits(deps.cache, deps.loginLimits);

  // Access tokens are checked against their session, which the database holds: each instance
  // remembers what it read for SESSION_CHECK_MS, so a revocation takes effect everywhere within
  // that time even when the pub/sub message below never arrives (Redis down, an instance
  // started later). The message only makes it immediate.
  const states = new Map<string, SessionState>();
  const lookups = new Map<string, Promise<SessionState | undefined>>();
  const revocations = new EventEmitter();
  revocations.setMaxListeners(0);

  function markRevoked(sessionId: string) {
    const known = states.get(sessionId);
    states.set(sessionId, { revoked: true, role: known?.role ?? 'learner', checkedAt: now() });
    revocations.emit(sessionId);
  }

  const ready = pubsub.subscribe(REVOKED_CHANNEL, (message) => {
    for (const id of (message as { sessionIds?: string[] }).sessionIds ?? []) markRevoked(id);
  });

  async function announceRevoked(sessionIds: string[]) {
    if (sessionIds.length === 0) return;
    for (const id of sessionIds) markRevoked(id);
    await pubsub.publish(REVOKED_CHANNEL, { sessionIds });
  }

  async function sessionState(claims: AccessClaims): Promise<SessionState | undefined> {
    const known = states.get(claims.sessionId);
    if (known && (known.revoked || now() - known.checkedAt < SESSION_CHECK_MS)) return known;
    let pending = lookups.get(claims.sessionId);
    if (!pending) {
      pending = repo
        .findSessionState(db.primary, claims.sessionId, claims.userId)
        .then((found) => {
          if (!found) return undefined;
          const state = { ...found, checkedAt: now() };
          // A revocation heard while the read was in flight wins.
          if (states.get(claims.sessionId)?.revoked) state.revoked = true;
          states.delete(claims.sessionId);
          states.set(claims.sessionId, state);
          if (states.size > SESSION_STATES_MAX) states.delete(states.keys().next().value!);
          return state;
        })
        .finally(() => lookups.delete(claims.sessionId));
      lookups.set(claims.sessionId, pending);
    }
    return pending;
  }

  // A hash to verify against when the email is unknown, so both failures take the same time.
  let dummyHash: Promise<string> | undefined;

  async function pair(user: UserRow, sessionId: string, refreshToken: string) {
    const accessToken = await tokens.sign({ userId: user.id, role: user.role, sessionId });
    return { user: toUser(user), accessToken, refreshToken, expiresIn: tokens.ttlSeconds };
  }

  async function issue(user: UserRow, meta: SessionMeta): Promise<AuthResult & { refreshToken: string }> {
    const refreshToken = randomToken();
    const sessionId = await repo.createSession(db.primary, {
      userId: user.id,
      userAgent: meta.userAgent,
      tokenHash: hashToken(refreshToken),
      expiresAt: new Date(now() + deps.refreshTokenTtlSeconds * 1000),
    });
    return pair(user, sessionId, refreshToken);
  }

  function checkNewPassword(password: string, user: { email: string; displayName: string }, path: string) {
    const problems = passwordProblems(password, user, path);
    if (problems.length > 0) {
      throw new AppError('validation', `The password ${problems[0]!.message}.`, { errors: problems });
    }
  }

  async function mailLink(
    user: UserRow,
    purpose: repo.MailTokenPurpose,
    options: { to?: string; newEmail?: string } = {},
  ) {
    const token = randomToken();
    await repo.insertMailToken(db.primary, {
      tokenHash: hashToken(token),
      userId: user.id,
      purpose,
      newEmail: options.newEmail ?? null,
      expiresAt: new Date(now() + MAIL_TOKEN_TTL_MS),
    });
    const page = {
      password_reset: 'reset-password',
      email_verification: 'verify-email',
      email_change: 'verify-email',
    }[purpose];
    const link = `${publicUrl}/${page}?token=${encodeURIComponent(token)}`;
    const mail = {
      password_reset: {
        subject: 'Reset your Waymark password',
        text: `Hello ${user.displayName},\n\nSomeone (we hope you) asked to reset the password of your Waymark account.\nChoose a new one here within 30 minutes:\n\n${link}\n\nIf it was not you, ignore this mail: your password stays as it is.\n`,
      },
      email_verification: {
        subject: 'Confirm your email for Waymark',
        text: `Hello ${user.displayName},\n\nWelcome to Waymark. Confirm your email address within 30 minutes:\n\n${link}\n`,
      },
      email_change: {
        subject: 'Confirm your new email for Waymark',
        text: `Hello ${user.displayName},\n\nYou asked to use this address for your Waymark account. Confirm it within 30 minutes:\n\n${link}\n\nUntil you do, your account keeps its old address. If it was not you, ignore this mail.\n`,
      },
    }[purpose];
    await mailer.send({ to: options.to ?? user.email, ...mail });
  }

  async function userOf(claims: { userId: string }): Promise<UserRow> {
    const user = await users.get(claims.userId).catch(() => undefined);
    if (!user) throw unauthorized('The account no longer exists.');
    return user;
  }

  /** Validates an identity provider's claims like sign-up input; a bad email counts as none. */
  function cleanIdentity(identity: ProviderIdentity): ProviderIdentity {
    const email = identity.email?.trim();
    return {
      subject: identity.subject,
      email: email && isEmailAddress(email) ? email : undefined,
      emailVerified: identity.emailVerified,
      name:
        identity.name === undefined ? undefined : toCleanLine(identity.name, DISPLAY_NAME_MAX) || undefined,
    };
  }

  /** The live successor of a refresh token spent within the grace window, if there is one. */
  async function liveSuccessor(token: string, spentAt: Date): Promise<string | undefined> {
    const graceMs = deps.refreshGraceSeconds * 1000;
    let current = token;
    let spent: Date | null = spentAt;
    for (let hop = 0; hop < MAX_GRACE_HOPS && spent; hop++) {
      if (graceMs === 0 || now() - spent.getTime() > graceMs) return undefined;
      const next = tokens.successorOf(current);
      const row = await repo.findRefreshToken(db.primary, hashToken(next));
      if (!row || row.revokedAt) return undefined;
      if (!row.spentAt) return next;
      current = next;
      spent = row.spentAt;
    }
    return undefined;
  }

  function callbackUrl(providerId: string, origin: string) {
    return `${origin}/api/v1/auth/oauth/${providerId}/callback`;
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
      await mailLink(user, 'email_verification');
      return issue(user, meta);
    },

    /**
     * Password sign-in. The attempt is counted before the password is checked (login-limits.ts),
     * so a burst of guesses is refused past the limit rather than all checked.
     */
    async login(input: { email: string; password: string }, meta: SessionMeta) {
      const email = normalizeEmail(input.email);
      const ip = meta.ip ?? 'unknown';
      const reservation = await loginLimits.reserve(email, ip);
      if (!reservation.allowed) {
        throw new AppError(
          'rate_limited',
          `Too many sign-in attempts for this email. Try again in ${reservation.retryAfterSeconds} s, or reset your password.`,
          { headers: { 'retry-after': String(reservation.retryAfterSeconds) } },
        );
      }
      const user = await users.findByEmail(email);
      if (!user?.passwordHash) {
        dummyHash ??= hashPassword(randomToken());
        await verifyPassword(await dummyHash, input.password);
        throw new AppError('unauthorized', BAD_CREDENTIALS);
      }
      const { ok, needsRehash } = await verifyPassword(user.passwordHash, input.password);
      if (!ok) throw new AppError('unauthorized', BAD_CREDENTIALS);
      await loginLimits.succeeded(email, ip);
      if (needsRehash) await users.setPasswordHash(user.id, await hashPassword(input.password));
      return issue(user, meta);
    },

    /**
     * Spends a refresh token for a new pair. Its successor is derived from it (tokens.ts), so
     * refreshes of one token within the grace window — tabs restored together, a retried
     * request — all get the same live successor. A token spent longer ago than that is reuse:
     * the whole session ends.
     */
    async refresh(refreshToken: string) {
      const oldHash = hashToken(refreshToken);
      let row = await repo.findRefreshToken(db.primary, oldHash);
      if (!row || row.revokedAt) throw sessionEnded();
      if (row.expiresAt.getTime() <= now()) throw unauthorized('The session has expired. Sign in again.');
      if (!row.spentAt) {
        const next = tokens.successorOf(refreshToken);
        const rotated = await repo.rotateRefreshToken(db.primary, {
          sessionId: row.sessionId,
          oldHash,
          newHash: hashToken(next),
          expiresAt: new Date(now() + deps.refreshTokenTtlSeconds * 1000),
        });
        if (rotated) return pair(await userOf(row), row.sessionId, next);
        // Spent by a concurrent refresh between our read and our write: read what it did.
        row = await repo.findRefreshToken(db.primary, oldHash);
        if (!row || row.revokedAt || !row.spentAt) throw sessionEnded();
      }
      const successor = await liveSuccessor(refreshToken, row.spentAt);
      if (successor) return pair(await userOf(row), row.sessionId, successor);
      await repo.revokeSession(db.primary, row.sessionId);
      await announceRevoked([row.sessionId]);
      throw reused();
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

    /** Ends every session of a user (password reset, role change, account deletion). */
    async revokeAll(userId: string, except?: string) {
      await announceRevoked(await repo.revokeAllSessions(db.primary, userId, except));
    },

    /** The check behind every authenticated request: a valid token of a live session. */
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
      const state = await sessionState(claims);
      if (!state) throw unauthorized('The account or its session no longer exists. Sign in again.');
      if (state.revoked) throw sessionEnded();
      return { ...claims, role: state.role };
    },

    /**
     * Calls `listener` once when the session ends (revoked here or on another instance, as far
     * as pub/sub carries it); returns the function that stops listening.
     */
    onSessionEnd(sessionId: string, listener: () => void): () => void {
      revocations.once(sessionId, listener);
      return () => revocations.off(sessionId, listener);
    },

    /** Whether the session still stands (the long-lived event stream re-checks with this). */
    async isLive(claims: AccessClaims): Promise<boolean> {
      const state = await sessionState(claims);
      return state !== undefined && !state.revoked;
    },

    async sessions(claims: AccessClaims): Promise<{ items: SessionInfo[] }> {
      const rows = await repo.listLiveSessions(db.primary, claims.userId);
      return {
        items: rows.map((r) => ({
          id: r.id,
          createdAt: r.createdAt.toISOString(),
          lastUsedAt: r.lastUsedAt.toISOString(),
          userAgent: r.userAgent,
          current: r.id === claims.sessionId,
        })),
      };
    },

    async endSession(claims: AccessClaims, sessionId: string): Promise<void> {
      if (!(await repo.revokeUserSession(db.primary, claims.userId, sessionId))) {
        throw new AppError('not_found', 'You have no live session with this id.');
      }
      await announceRevoked([sessionId]);
    },

    /** Changes the password with the current one; every other session ends. */
    async changePassword(
      claims: AccessClaims,
      input: { currentPassword?: string | undefined; newPassword: string },
    ) {
      const user = await userOf(claims);
      if (user.passwordHash) {
        const ok =
          input.currentPassword !== undefined &&
          (await verifyPassword(user.passwordHash, input.currentPassword)).ok;
        if (!ok) {
          throw new AppError('validation', 'The current password is not right.', {
            errors: [{ path: '/body/currentPassword', message: 'is not your current password' }],
          });
        }
      }
      checkNewPassword(input.newPassword, user, '/body/newPassword');
      await users.setPasswordHash(user.id, await hashPassword(input.newPassword));
      await announceRevoked(await repo.revokeAllSessions(db.primary, user.id, claims.sessionId));
    },

    /**
     * Asks to move the account to another address: a link goes to the new one, and the change
     * takes effect when it is opened. The answer is the same whether or not that address is
     * taken (the mail to it says so instead), and mail goes out after the reply.
     */
    async requestEmailChange(claims: AccessClaims, input: { email: string; password: string }) {
      const user = await userOf(claims);
      if (!user.passwordHash) {
        throw new AppError(
          'validation',
          'This account signs in through a provider and has no password. Set one first (reset it from the sign-in page), then change the email.',
          { errors: [{ path: '/body/password', message: 'the account has no password yet' }] },
        );
      }
      if (!(await verifyPassword(user.passwordHash, input.password)).ok) {
        throw new AppError('validation', 'The password is not right.', {
          errors: [{ path: '/body/password', message: 'is not your password' }],
        });
      }
      const email = normalizeEmail(input.email);
      if (email === user.email) {
        throw new AppError('validation', 'That is already your address.', {
          errors: [{ path: '/body/email', message: 'is your current address' }],
        });
      }
      background.run('mail:email-change', async () => {
        if (await users.findByEmail(email)) {
          await mailer.send({
            to: email,
            subject: 'Your address is already on Waymark',
            text: `Hello,\n\nSomeone asked to move a Waymark account to this address, but it already belongs to an account. Nothing was changed. If you forgot your password, reset it from the sign-in page.\n`,
          });
          return;
        }
        await mailLink(user, 'email_change', { to: email, newEmail: email });
      });
    },

    async requestPasswordReset(email: string) {
      const address = normalizeEmail(email);
      // Everything after the answer: its timing must not tell whether the address has an account.
      background.run('mail:password-reset', async () => {
        const user = await users.findByEmail(address);
        if (!user) return;
        const sent = await deps.cache.increment(`auth:v1:reset-mail:${address}`, 3600);
        if (sent.value > RESET_MAILS_PER_HOUR) return;
        await mailLink(user, 'password_reset');
      });
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
      // Every other reset link of this account stops working too.
      await repo.voidMailTokens(db.primary, user.id, 'password_reset');
      if (!user.emailVerifiedAt) await users.markEmailVerified(user.id); // the mail reached them
      await loginLimits.cleared(user.email);
      await announceRevoked(await repo.revokeAllSessions(db.primary, user.id));
      // Whoever reset it may be taking the account back: tokens made by someone else go too.
      await deps.personalTokens?.revokeAll(user.id);
    },

    /** Opens a mailed link: confirms the address, or moves the account to its new one. */
    async verifyEmail(token: string) {
      const tokenHash = hashToken(token);
      const invalid = () =>
        new AppError(
          'validation',
          'This confirmation link is not valid any more. Sign in and ask for a new one.',
          {
            errors: [{ path: '/body/token', message: 'is used, expired or unknown' }],
          },
        );
      const verification = await repo.consumeMailToken(db.primary, tokenHash, 'email_verification');
      if (verification) {
        await users.markEmailVerified(verification);
        return;
      }
      const change = await repo.consumeMailTokenRow(db.primary, tokenHash, 'email_change');
      if (!change?.newEmail) throw invalid();
      const user = await users.get(change.userId).catch(() => undefined);
      if (!user) throw invalid();
      await users.changeEmail(user.id, change.newEmail);
      await repo.voidMailTokens(db.primary, user.id, 'email_change');
      await mailer.send({
        to: user.email,
        subject: 'Your Waymark email was changed',
        text: `Hello ${user.displayName},\n\nYour Waymark account now uses ${change.newEmail}. If you did not do this, reset your password from the sign-in page and tell your Waymark admin.\n`,
      });
    },

    async resendVerification(userId: string) {
      const user = await users.get(userId);
      if (user.emailVerifiedAt) return;
      await mailLink(user, 'email_verification');
    },

    providers(): { id: string; name: string }[] {
      return [...providers.values()].map((p) => ({ id: p.id, name: p.name }));
    },

    /** `origin` is the web app's origin the browser is on (one of the configured ones). */
    async oauthStart(
      providerId: string,
      returnTo: string | undefined,
      origin: string = publicUrl,
    ): Promise<OAuthStart> {
      const provider = providers.get(providerId);
      if (!provider)
        throw new AppError('not_found', `No sign-in provider "${providerId}" is configured here.`);
      const request = await provider
        .authorizationRequest(callbackUrl(providerId, origin))
        .catch((err: unknown) => {
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
          origin,
        },
        STATE_TTL_SECONDS,
        STATE_AUDIENCE,
      );
      return { redirectUrl: request.url, stateCookie };
    },

    /**
     * Finishes a provider sign-in. The account is the one already linked to this identity;
     * else the account with the same email — only when the provider verified the address *and*
     * the account confirmed it too (otherwise whoever signed up first with someone else's
     * address would get their provider sign-in: a pre-account takeover); else a new account.
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
        throw new AppError(
          'unauthorized',
          `${provider.name} did not sign you in (${toCleanLine(query.error, 100)}).`,
        );
      }
      const origin = expected.origin ?? publicUrl;
      const url = new URL(callbackUrl(providerId, origin));
      for (const [key, value] of Object.entries(query))
        if (value !== undefined) url.searchParams.set(key, value);
      let identity: ProviderIdentity;
      try {
        identity = cleanIdentity(
          await provider.identify(url, {
            state: expected.state!,
            nonce: expected.nonce!,
            codeVerifier: expected.verifier!,
          }),
        );
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
        const existing = await users.findByEmail(identity.email);
        if (existing && !existing.emailVerifiedAt) {
          throw new AppError(
            'conflict',
            `A Waymark account with ${existing.email} exists, but that address was never confirmed, so it is not linked to ${provider.name}. If the account is yours, reset its password from the sign-in page (that confirms the address), then sign in with ${provider.name} again.`,
          );
        }
        user =
          existing ??
          (await users.create({
            email: identity.email,
            displayName: identity.name ?? toCleanLine(identity.email.split('@')[0]!, DISPLAY_NAME_MAX),
            passwordHash: null,
            emailVerified: true,
          }));
        await repo.linkIdentity(db.primary, {
          provider: providerId,
          subject: identity.subject,
          userId: user.id,
          email: identity.email,
        });
      }
      const result = await issue(user, meta);
      return { ...result, returnTo: `${origin}${expected.returnTo ?? '/dashboard'}` };
    },

    /** What the export shows of sign-in: linked identities and every session. */
    async exportRows(userId: string) {
      const [identities, sessions] = await Promise.all([
        repo.userIdentities(db.primary, userId),
        repo.allSessions(db.primary, userId),
      ]);
      return {
        identities: identities.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })),
        sessions: sessions.map((s) => ({
          id: s.id,
          createdAt: s.createdAt.toISOString(),
          lastUsedAt: s.lastUsedAt.toISOString(),
          userAgent: s.userAgent,
          revokedAt: s.revokedAt?.toISOString() ?? null,
        })),
      };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
export type { Role };
