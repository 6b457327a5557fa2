// Secrets the server must be able to read back (a webhook's signing secret: HMAC needs the
// secret itself, so a hash would not do), kept encrypted at rest: AES-256-GCM under a key derived
// from the instance's signing key (auth/tokens.ts `derivedKey`), so a copy of the database alone
// — a backup, a replica, a leaked dump — does not give them away. Every instance of a deployment
// shares the key, so any instance opens what another sealed.
//
// Format: `v1.<base64url of 12-byte IV ‖ 16-byte tag ‖ ciphertext>`. A value without the prefix is
// a row written before sealing: `open` returns it as it is (its user seals it at first use).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'v1.';

export interface Sealer {
  seal(plain: string): string;
  /** Throws when the value was sealed under another key or changed. */
  open(stored: string): string;
  /** Whether a stored value is sealed (rather than a row written before sealing). */
  isSealed(stored: string): boolean;
}

export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('a sealing key is 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    isSealed: (stored) => stored.startsWith(PREFIX),
    open(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
