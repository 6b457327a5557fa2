// Personal access tokens: made, listed and revoked by their owner; recognised by the auth plugin.
//
// A token is 32 random bytes after `wmk_`; only its sha256 is stored (a secret of 256 bits needs
// no slow hash: nobody can guess one to test against it). Like sessions (auth/service.ts), each
// instance remembers a token it looked up for TOKEN_CHECK_MS, so a request with a token costs no
// more than one with an access token; a revocation is announced over pub/sub so every instance
// forgets it at once, and the short memory bounds how long a missed message could matter.
import { isoTimestamp, type Database } from '../../db/client.ts';
import type { TokenScope } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { PubSub } from '../../infra/pubsub.ts';
import type { Authenticated } from '../auth/service.ts';
import { hashToken, randomToken } from '../auth/tokens.ts';
import * as repo from './repo.ts';
import {
  TOKEN_PREFIX,
  TOKENS_MAX,
  type NewPersonalToken,
  type PersonalToken,
  type PersonalTokenList,
  type TokenBody,
} from './schemas.ts';

export const TOKEN_CHECK_MS = 5000;
const REVOKED_CHANNEL = 'tokens:v1:revoked';

/** A caller who came with a personal access token: the scopes are all they may do. */
export type TokenCaller = Authenticated & { scopes: readonly TokenScope[] };

interface Revoked {
  ids?: string[];
  userIds?: string[];
}

interface Remembered {
  state: repo.TokenState | undefined;
  checkedAt: number;
}

function toToken(row: repo.TokenRow): PersonalToken {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    expiresAt: isoTimestamp(row.expiresAt),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: isoTimestamp(row.lastUsedAt),
  };
}

const invalidToken = (detail: string) =>
  new AppError('unauthorized', detail, {
    headers: { 'www-authenticate': 'Bearer realm="waymark", error="invalid_token"' },
  });

export function createTokenService(deps: { db: Database; pubsub: PubSub; now?: () => Date }) {
  const { db, pubsub } = deps;
  const now = deps.now ?? (() => new Date());
  const known = new Map<string, Remembered>(); // by token hash
  const lookups = new Map<string, Promise<repo.TokenState | undefined>>();

  /** Forgets the tokens with these ids, or of these users. */
  function forget(gone: Revoked) {
    const ids = new Set(gone.ids ?? []);
    const users = new Set(gone.userIds ?? []);
    for (const [hash, { state }] of known)
      if (state && (ids.has(state.id) || users.has(state.userId))) known.delete(hash);
  }
  const ready = pubsub.subscribe(REVOKED_CHANNEL, (message) => forget(message as Revoked));
  async function announce(gone: Revoked) {
    if (!gone.ids?.length && !gone.userIds?.length) return;
    forget(gone);
    await pubsub.publish(REVOKED_CHANNEL, gone);
  }

  async function lookup(hash: string): Promise<repo.TokenState | undefined> {
    const at = now();
    const entry = known.get(hash);
    if (entry && at.getTime() - entry.checkedAt < TOKEN_CHECK_MS) return entry.state;
    let pending = lookups.get(hash);
    if (!pending) {
      pending = repo.use(db.primary, hash, at).finally(() => lookups.delete(hash));
      lookups.set(hash, pending);
    }
    const state = await pending;
    // Unknown tokens are not remembered: the map would grow with whatever strangers send.
    if (state) known.set(hash, { state, checkedAt: at.getTime() });
    else known.delete(hash);
    return state;
  }

  return {
    /** Resolves once this instance listens for revocations. */
    ready: () => ready.then(() => undefined),

    isToken: (bearer: string) => bearer.startsWith(TOKEN_PREFIX),

    async create(userId: string, body: TokenBody): Promise<NewPersonalToken> {
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
      if (expiresAt && expiresAt <= now())
        throw new AppError('validation', 'Choose an expiry date in the future, or none.', {
          errors: [{ path: '/body/expiresAt', message: 'must be in the future' }],
        });
      if ((await repo.countFor(db.primary, userId)) >= TOKENS_MAX)
        throw new AppError(
          'conflict',
          `You hold ${TOKENS_MAX} tokens, the most there may be. Revoke one you no longer use first.`,
        );
      const token = `${TOKEN_PREFIX}${randomToken()}`;
      const row = await repo.insert(db.primary, {
        userId,
        name: body.name,
        scopes: [...new Set(body.scopes)],
        tokenHash: hashToken(token),
        expiresAt,
      });
      const { lastUsedAt: _unused, ...shown } = toToken(row);
      return { ...shown, token };
    },

    async list(userId: string): Promise<PersonalTokenList> {
      return { items: (await repo.listFor(db.primary, userId)).map(toToken) };
    },

    async revoke(userId: string, id: string): Promise<void> {
      if (!(await repo.remove(db.primary, userId, id))) throw notFound('You have no such token.');
      await announce({ ids: [id] });
    },

    /** Every token of the user stops working (a password reset: whoever had the account). */
    async revokeAll(userId: string): Promise<void> {
      await announce({ ids: await repo.removeAll(db.primary, userId) });
    },

    /** After the account is deleted (its tokens with it): no instance may still remember one. */
    async forgetUser(userId: string): Promise<void> {
      await announce({ userIds: [userId] });
    },

    /** The caller a `wmk_` bearer token stands for; 401 when it is unknown, revoked or expired. */
    async authenticate(token: string): Promise<TokenCaller> {
      await ready;
      const state = await lookup(hashToken(token));
      if (!state || (state.expiresAt && state.expiresAt <= now()))
        throw invalidToken(
          'This personal access token is not valid: it was revoked, has expired, or was never issued. Make a new one in Settings.',
        );
      const seconds = Math.floor(now().getTime() / 1000);
      return {
        userId: state.userId,
        role: state.role,
        // The token stands where a session would: routes that take tokens only read userId.
        sessionId: state.id,
        issuedAt: seconds,
        expiresAt: state.expiresAt ? Math.floor(state.expiresAt.getTime() / 1000) : seconds + 60,
        scopes: state.scopes,
      };
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
