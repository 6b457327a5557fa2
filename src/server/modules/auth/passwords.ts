// Passwords: argon2id hashing with OWASP's parameters, and the rules a new password must meet
// (NIST SP 800-63B-4): length only — 15 to 128 characters, since a password is our accounts'
// only factor — no composition rules, and refusal of passwords found in a list of common ones
// or built from words the attacker knows (the service's name, the email, the display name).
import { dictionary } from '@zxcvbn-ts/language-common';
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import type { FieldError } from '../../http/errors.ts';

export const PASSWORD_MIN = 15;
export const PASSWORD_MAX = 128;

/** OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1. */
export const ARGON2_PARAMS = {
  algorithm: 2 as Algorithm, // Argon2id (a const enum in the package's types)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} satisfies Options;

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), ARGON2_PARAMS);
}

/** Verifies, and says whether the stored hash was made with other parameters than today's. */
export async function verifyPassword(
  stored: string,
  password: string,
): Promise<{ ok: boolean; needsRehash: boolean }> {
  const ok = await verify(stored, password.normalize('NFKC'));
  if (!ok) return { ok, needsRehash: false };
  const used = parseOptions(stored);
  const needsRehash =
    used.algorithm !== ARGON2_PARAMS.algorithm ||
    used.memoryCost !== ARGON2_PARAMS.memoryCost ||
    used.timeCost !== ARGON2_PARAMS.timeCost ||
    used.parallelism !== ARGON2_PARAMS.parallelism;
  return { ok, needsRehash };
}

// ~49,000 most common passwords (zxcvbn's list, from breach corpora), lower-cased.
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

export interface PasswordContext {
  email?: string | undefined;
  displayName?: string | undefined;
}

const SERVICE_WORDS = ['waymark'];

/**
 * The problems of a new password, as field errors on `path`; empty when it may be used.
 * "Context words" are removed first: what is left must still be 8 characters or more, so
 * "waymark-waymark!" or "jane.doe@x.io1234" are refused but a passphrase that mentions
 * Waymark is fine.
 */
export function passwordProblems(password: string, context: PasswordContext, path: string): FieldError[] {
  const length = [...password.normalize('NFKC')].length; // code points, as NIST counts
  if (length < PASSWORD_MIN) {
    return [{ path, message: `must be at least ${PASSWORD_MIN} characters (a few words make a good one)` }];
  }
  if (length > PASSWORD_MAX) return [{ path, message: `must be at most ${PASSWORD_MAX} characters` }];
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) {
    return [{ path, message: 'is one of the most commonly used passwords; choose another' }];
  }
  if (new Set(lower).size < 5) {
    return [{ path, message: 'repeats too few different characters; choose another' }];
  }
  const words = [...SERVICE_WORDS];
  const email = context.email?.trim().toLowerCase();
  if (email) words.push(email, email.split('@')[0] ?? '');
  const name = context.displayName?.trim().toLowerCase();
  if (name) words.push(name, ...name.split(/\s+/));
  let rest = lower;
  for (const word of words.filter((w) => w.length >= 3).sort((a, b) => b.length - a.length)) {
    rest = rest.split(word).join('');
  }
  if ([...rest].length < 8) {
    return [{ path, message: 'is mostly made of your email, your name or "waymark"; choose another' }];
  }
  return [];
}
