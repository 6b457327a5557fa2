import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSealer } from './sealed.ts';

describe('sealed secrets', () => {
  const key = randomBytes(32);

  it('open what they sealed, and never show it in the stored form', () => {
    const sealer = createSealer(key);
    const sealed = sealer.seal('whsec_c2VjcmV0IHNpZ25pbmcga2V5');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('whsec_');
    expect(sealer.open(sealed)).toBe('whsec_c2VjcmV0IHNpZ25pbmcga2V5');
    // A fresh IV each time: the same secret never looks the same twice.
    expect(sealer.seal('same')).not.toBe(sealer.seal('same'));
  });

  it('refuse a changed value or another key, and read a row written before sealing as it is', () => {
    const sealed = createSealer(key).seal('whsec_x');
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
    expect(() => createSealer(key).open(flipped)).toThrow();
    expect(() => createSealer(randomBytes(32)).open(sealed)).toThrow();
    expect(createSealer(key).open('whsec_legacy')).toBe('whsec_legacy');
  });
});
