// Tokens. Access tokens are JWTs signed with Ed25519 (jose), minutes long, verified with the
// algorithm, issuer and audience pinned (RFC 8725). Refresh and mail tokens are 256-bit random
// strings of which only the sha256 is stored.
import { createHash, createHmac, generateKeyPairSync, hkdfSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SignJWT, importPKCS8, importSPKI, jwtVerify, errors as joseErrors, type CryptoKey } from 'jose';
import type { Role } from '../../db/schema.ts';

export const ACCESS_TOKEN_AUDIENCE = 'waymark-api';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AccessClaims {
  userId: string;
  role: Role;
  sessionId: string;
  /** Issued at, seconds since the epoch. */
  issuedAt: number;
  /** Expires at, seconds since the epoch. */
  expiresAt: number;
}

export interface KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/**
 * The configured key pair, or — outside production — one generated once into the data dir
 * (`jwt-ed25519.pem`, mode 600), so tokens survive restarts. Several instances must share
 * keys: set JWT_PRIVATE_KEY / JWT_PUBLIC_KEY for them.
 */
export async function loadKeyPair(options: {
  privateKeyPem: string | undefined;
  publicKeyPem: string | undefined;
  dataDir: string;
}): Promise<KeyPair> {
  if (options.privateKeyPem && options.publicKeyPem) {
    return { privateKeyPem: options.privateKeyPem, publicKeyPem: options.publicKeyPem };
  }
  const file = path.join(options.dataDir, 'jwt-ed25519.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as KeyPair;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const pair = generateKeyPair();
  await mkdir(options.dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(pair), { mode: 0o600, flag: 'wx' }).catch(async (err: unknown) => {
    // Another process made one first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  });
  await chmod(file, 0o600);
  return JSON.parse(await readFile(file, 'utf8')) as KeyPair;
}

/**
 * A 32-byte key for one purpose, derived (HKDF-SHA256) from the signing key: every instance that
 * shares JWT_PRIVATE_KEY derives the same one, and no purpose's key tells anything of another's.
 */
export function derivedKey(privateKeyPem: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', privateKeyPem, 'waymark', purpose, 32));
}

export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

export interface AccessTokens {
  ttlSeconds: number;
  sign(claims: Omit<AccessClaims, 'issuedAt' | 'expiresAt'>): Promise<string>;
  /** Throws InvalidTokenError for anything but a valid, current token of ours. */
  verify(token: string): Promise<AccessClaims>;
  /** Signs any short-lived payload of ours (the OAuth state cookie). */
  signState(payload: Record<string, string>, ttlSeconds: number, audience: string): Promise<string>;
  verifyState(token: string, audience: string): Promise<Record<string, string>>;
  /**
   * The refresh token that follows `token`: an HMAC of it under a key derived from the signing
   * key, so every instance computes the same successor and concurrent refreshes of one token
   * (several tabs) converge on one live token instead of forking the session.
   */
  successorOf(token: string): string;
}

export async function createAccessTokens(options: {
  keys: KeyPair;
  issuer: string;
  ttlSeconds: number;
}): Promise<AccessTokens> {
  const privateKey: CryptoKey = await importPKCS8(options.keys.privateKeyPem, 'EdDSA');
  const publicKey: CryptoKey = await importSPKI(options.keys.publicKeyPem, 'EdDSA');
  const { issuer, ttlSeconds } = options;
  const pinned = { algorithms: ['EdDSA'], issuer };
  const successorKey = derivedKey(options.keys.privateKeyPem, 'refresh-token-successor/v1');

  return {
    ttlSeconds,
    async sign(claims) {
      return new SignJWT({ role: claims.role, sid: claims.sessionId })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setSubject(claims.userId)
        .setJti(randomBytes(16).toString('base64url'))
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          ...pinned,
          audience: ACCESS_TOKEN_AUDIENCE,
          typ: 'at+jwt',
          requiredClaims: ['sub', 'jti', 'iat', 'exp'],
        });
        const role = payload.role;
        if (
          typeof payload.sub !== 'string' ||
          !UUID.test(payload.sub) ||
          typeof payload.sid !== 'string' ||
          !UUID.test(payload.sid) ||
          (role !== 'learner' && role !== 'author' && role !== 'admin')
        ) {
          throw new InvalidTokenError('the token lacks its claims');
        }
        return {
          userId: payload.sub,
          role,
          sessionId: payload.sid,
          issuedAt: payload.iat!,
          expiresAt: payload.exp!,
        };
      } catch (err) {
        if (err instanceof InvalidTokenError) throw err;
        if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError('the access token has expired');
        if (err instanceof joseErrors.JOSEError) throw new InvalidTokenError('the access token is not valid');
        throw err;
      }
    },
    async signState(payload, stateTtl, audience) {
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'EdDSA' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${stateTtl}s`)
        .sign(privateKey);
    },
    successorOf(token) {
      return createHmac('sha256', successorKey).update(token).digest('base64url');
    },
    async verifyState(token, audience) {
      try {
        const { payload } = await jwtVerify(token, publicKey, { ...pinned, audience });
        return payload as Record<string, string>;
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) throw new InvalidTokenError('the state is not valid');
        throw err;
      }
    },
  };
}

/** 256 bits of randomness, URL-safe. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored instead of a token. A fast hash suffices: the input is 256 random bits. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
