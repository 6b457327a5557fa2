// Open Badges 3.0 credentials through the real app: a learner reaches the Backend roadmap's
// milestone and gets a credential that validates against the Open Badges 3.0 JSON schema for
// AchievementCredential (the 1EdTech file, bundled in test/fixtures), verifies with the Digital
// Credentials Consortium's verifier offline, stops verifying when one character changes, and
// stops verifying once revoked.
import { readFile } from 'node:fs/promises';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import { generateKeyPair } from '../auth/tokens.ts';
import { createCredentialSigner, didWebOf } from './signer.ts';

const ROADMAP = 'backend-developer';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const call = (who: SignedUp | null, method: string, url: string, payload?: unknown) =>
  t.app.inject({
    method: method as 'GET',
    url,
    headers: who ? who.auth : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** Marks every required step of the roadmap up to `until` (or all of them) done. */
async function markRequired(who: SignedUp, until?: string) {
  const doc = (await call(null, 'GET', `/api/v1/roadmaps/${ROADMAP}`)).json();
  const steps = (doc.layers as { steps: { slug: string; required: boolean }[] }[]).flatMap((l) => l.steps);
  const last = until ? steps.findIndex((s) => s.slug === until) : steps.length - 1;
  for (const step of steps.slice(0, last + 1).filter((s) => s.required)) {
    const res = await call(who, 'PUT', `/api/v1/me/roadmaps/${ROADMAP}/steps/${step.slug}`, {
      status: 'done',
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  return doc.milestones as { slug: string; title: string; afterStep: string }[];
}

const list = async (who: SignedUp) => {
  const res = await call(who, 'GET', '/api/v1/me/credentials');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as Json[];
};
const verify = async (credential: unknown) => {
  const res = await call(null, 'POST', '/api/v1/credentials/verify', credential);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    verified: boolean;
    errors: string[];
    credentialId: string | null;
    revokedAt: string | null;
  };
};

describe('issuing', () => {
  let me: SignedUp;
  let item: Json;
  let credential: Json;

  beforeAll(async () => {
    me = await signUp(t.app, { email: 'ada.credential@example.com' });
    // The email names the learner in the credential once it is confirmed.
    await t.db.primary.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, me.user.id));
    const [milestone] = await markRequired(me, undefined);
    expect(milestone).toBeDefined();
    // The PUTs started issuing after their replies; listing also issues what is due.
    await t.app.services.background.idle();
    const items = await list(me);
    item = items.find((i) => i.milestone === milestone!.slug)!;
    expect(item, JSON.stringify(items)).toBeDefined();
    const res = await call(me, 'GET', `/api/v1/me/credentials/${item.id}`);
    expect(res.statusCode, res.body).toBe(200);
    credential = res.json();
  });

  it('issues one for the milestone and one for all required steps, each once', async () => {
    const items = await list(me);
    expect(items.map((i) => i.milestone).sort()).toEqual([null, 'secured-rest-api'].sort());
    expect(item).toMatchObject({
      roadmapSlug: ROADMAP,
      roadmapTitle: expect.any(String),
      public: false,
      revokedAt: null,
      url: `${t.config.publicUrl}/api/v1/credentials/${item.id}`,
    });
    // Concurrent listings (two tabs) issue nothing twice.
    await Promise.all([list(me), list(me), list(me)]);
    expect(await list(me)).toHaveLength(2);
  });

  it('is an Open Badges 3.0 credential valid against the AchievementCredential schema', async () => {
    const schema = JSON.parse(
      await readFile(
        new URL(
          '../../../../test/fixtures/open-badges/ob_v3p0_achievementcredential_schema.json',
          import.meta.url,
        ),
        'utf8',
      ),
    );
    const ajv = new Ajv2019.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(credential), JSON.stringify(validate.errors)).toBe(true);
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.issuer.id).toBe(didWebOf(t.config.publicUrl));
    expect(credential.credentialSubject.achievement).toMatchObject({
      name: item.name,
      criteria: { narrative: expect.stringContaining('every required step') },
      version: expect.stringMatching(/^\d+$/),
    });
    expect(credential.proof).toMatchObject([{ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' }]);
    // The learner is a salted hash of their email, never the address itself.
    expect(JSON.stringify(credential)).not.toContain('ada.credential@example.com');
    const [identity] = credential.credentialSubject.identifier;
    const { createHash } = await import('node:crypto');
    expect(identity.identityHash).toBe(
      `sha256$${createHash('sha256').update(`ada.credential@example.com${identity.salt}`).digest('hex')}`,
    );
  });

  it("verifies with the library's verifier offline, and not once one character changes", async () => {
    const signer = createCredentialSigner({
      privateKeyPem: t.config.auth.jwtPrivateKey!,
      publicUrl: t.config.publicUrl,
    });
    expect(await signer.verify(credential)).toEqual({ verified: true, errors: [] });
    const changed = structuredClone(credential);
    changed.credentialSubject.achievement.name = changed.credentialSubject.achievement.name.replace(
      /.$/,
      '!',
    );
    expect((await signer.verify(changed)).verified).toBe(false);

    expect(await verify(credential)).toEqual({
      verified: true,
      errors: [],
      credentialId: item.id,
      revokedAt: null,
    });
    const tampered = await verify(changed);
    expect(tampered.verified).toBe(false);
    expect(tampered.errors.join(' ')).toMatch(/signature|verif/i);
  });

  it('publishes the key: the DID document and the issuer list the key that signs', async () => {
    const did = await call(null, 'GET', '/.well-known/did.json');
    expect(did.statusCode).toBe(200);
    const issuer = (await call(null, 'GET', '/api/v1/issuer')).json();
    expect(issuer.id).toBe(did.json().id);
    expect(issuer.verificationMethod).toEqual(did.json().verificationMethod);
    expect(did.json().assertionMethod).toEqual([credential.proof[0].verificationMethod]);
    expect(issuer.verificationMethod[0].id).toBe(credential.proof[0].verificationMethod);
  });

  it('is private until shared, then public, and on the public profile', async () => {
    expect((await call(null, 'GET', `/api/v1/credentials/${item.id}`)).statusCode).toBe(404);
    const stranger = await signUp(t.app);
    expect((await call(stranger, 'GET', `/api/v1/me/credentials/${item.id}`)).statusCode).toBe(404);
    expect(
      (await call(stranger, 'PATCH', `/api/v1/me/credentials/${item.id}`, { public: true })).statusCode,
    ).toBe(404);

    const shared = await call(me, 'PATCH', `/api/v1/me/credentials/${item.id}`, { public: true });
    expect(shared.statusCode, shared.body).toBe(200);
    expect(shared.json().public).toBe(true);
    const open = await call(null, 'GET', `/api/v1/credentials/${item.id}`);
    expect(open.statusCode).toBe(200);
    expect(open.json()).toEqual(credential);
    // Someone else may see it now, but still not revoke it.
    expect((await call(stranger, 'POST', `/api/v1/credentials/${item.id}/revoke`, {})).statusCode).toBe(403);

    await call(me, 'PATCH', '/api/v1/me', { publicProfile: true, handle: `ada-${item.id.slice(0, 8)}` });
    const profile = await call(null, 'GET', `/api/v1/users/ada-${item.id.slice(0, 8)}`);
    expect(profile.statusCode, profile.body).toBe(200);
    expect(profile.json().credentials).toEqual([
      { id: item.id, name: item.name, roadmapSlug: ROADMAP, issuedAt: item.issuedAt, url: item.url },
    ]);
  });

  it('is in the export, signed document and all', async () => {
    const exported = (await call(me, 'GET', '/api/v1/me/export')).json();
    const row = (exported.credentials as Json[]).find((c) => c.id === item.id)!;
    expect(row.document).toEqual(credential);
  });

  it('once revoked, fails verification and its public URL answers 410', async () => {
    const revoked = await call(me, 'POST', `/api/v1/credentials/${item.id}/revoke`, {
      reason: 'issued in error',
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().revokedAt).toEqual(expect.any(String));
    const answer = await verify(credential);
    expect(answer).toMatchObject({
      verified: false,
      credentialId: item.id,
      revokedAt: revoked.json().revokedAt,
    });
    expect(answer.errors[0]).toContain('issued in error');
    const gone = await call(null, 'GET', `/api/v1/credentials/${item.id}`);
    expect(gone.statusCode).toBe(410);
    expect(gone.headers['content-type']).toContain('application/problem+json');
    // Revoked stays revoked: no second credential for the same milestone.
    expect((await list(me)).filter((i) => i.milestone === item.milestone)).toHaveLength(1);
    expect((await call(me, 'PATCH', `/api/v1/me/credentials/${item.id}`, { public: true })).statusCode).toBe(
      409,
    );
  });
});

describe('what a credential vouches for', () => {
  it('names a learner whose email is not confirmed by no email at all', async () => {
    const unconfirmed = await signUp(t.app);
    await markRequired(unconfirmed);
    const [item] = await list(unconfirmed);
    const credential = (await call(unconfirmed, 'GET', `/api/v1/me/credentials/${item!.id}`)).json();
    expect(credential.credentialSubject.identifier).toBeUndefined();
    expect((await verify(credential)).verified).toBe(true);
  });

  it('stops verifying once its holder deleted their account: nothing is left to say it stands', async () => {
    const leaving = await signUp(t.app);
    await markRequired(leaving);
    const [item] = await list(leaving);
    const credential = (await call(leaving, 'GET', `/api/v1/me/credentials/${item!.id}`)).json();
    expect((await call(leaving, 'DELETE', '/api/v1/me')).statusCode).toBe(204);
    const answer = await verify(credential);
    expect(answer.verified).toBe(false);
    expect(answer.errors[0]).toContain('deleted their account');
  });

  it('checks one proof only: a pile of copies is refused before any work', async () => {
    const holder = await signUp(t.app);
    await markRequired(holder);
    const [item] = await list(holder);
    const credential = (await call(holder, 'GET', `/api/v1/me/credentials/${item!.id}`)).json();
    const piled = { ...credential, proof: Array.from({ length: 100 }, () => credential.proof[0]) };
    const answer = await verify(piled);
    expect(answer).toMatchObject({
      verified: false,
      errors: [expect.stringContaining('more than one proof')],
    });
  });
});

describe('verifying what others bring', () => {
  it('refuses a credential signed by another issuer, without fetching anything', async () => {
    const other = createCredentialSigner({
      privateKeyPem: generateKeyPair().privateKeyPem,
      publicUrl: 'https://badges.example.org',
    });
    const credential = await other.sign({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: 'urn:uuid:6f1c3d56-2f7e-4b43-9a55-0f0f5b0c9b11',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: other.did, type: ['Profile'], name: 'Elsewhere' },
      validFrom: '2026-01-01T00:00:00Z',
      name: 'Something',
      credentialSubject: {
        type: ['AchievementSubject'],
        achievement: {
          id: 'https://badges.example.org/a',
          type: ['Achievement'],
          name: 'A',
          description: 'A',
          criteria: { narrative: 'A' },
        },
      },
    });
    expect((await other.verify(credential)).verified).toBe(true);
    const answer = await verify(credential);
    expect(answer.verified).toBe(false);
    expect(answer.errors[0]).toContain('did:web:badges.example.org');
  });

  it('says what is wrong with anything that is not a credential, never a 500', async () => {
    expect((await verify({})).errors).toEqual([expect.stringContaining('not signed')]);
    const own = await verify({
      '@context': ['https://evil.example.com/context.json'],
      type: ['VerifiableCredential'],
      proof: { verificationMethod: `${didWebOf(t.config.publicUrl)}#nope` },
    });
    expect(own.verified).toBe(false);
    expect(own.errors[0]).toContain('no longer uses');
    const bad = await call(null, 'POST', '/api/v1/credentials/verify', ['not', 'an', 'object']);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const huge = await call(null, 'POST', '/api/v1/credentials/verify', { padding: 'x'.repeat(70_000) });
    expect(huge.statusCode).toBe(413);
  });

  it('refuses contexts it does not hold instead of fetching them', async () => {
    const signer = createCredentialSigner({
      privateKeyPem: t.config.auth.jwtPrivateKey!,
      publicUrl: t.config.publicUrl,
    });
    const answer = await verify({
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://evil.example.com/context.json'],
      id: 'urn:uuid:6f1c3d56-2f7e-4b43-9a55-0f0f5b0c9b12',
      type: ['VerifiableCredential'],
      issuer: signer.did,
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: { id: 'urn:x' },
      proof: {
        type: 'DataIntegrityProof',
        cryptosuite: 'eddsa-rdfc-2022',
        proofPurpose: 'assertionMethod',
        verificationMethod: await signer.keyId(),
        proofValue:
          'z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKFkj1rnHqPvo8w8kY',
      },
    });
    expect(answer.verified).toBe(false);
    expect(answer.errors.join(' ')).toMatch(/evil\.example\.com/);
  });
});

describe('the signing key', () => {
  it('is the same on every instance that shares the JWT key, and another for another key', async () => {
    const pem = generateKeyPair().privateKeyPem;
    const a = createCredentialSigner({ privateKeyPem: pem, publicUrl: 'https://learn.example.org' });
    const b = createCredentialSigner({ privateKeyPem: pem, publicUrl: 'https://learn.example.org' });
    const c = createCredentialSigner({
      privateKeyPem: generateKeyPair().privateKeyPem,
      publicUrl: 'https://learn.example.org',
    });
    expect(await a.keyId()).toBe(await b.keyId());
    expect(await a.keyId()).not.toBe(await c.keyId());
    expect(a.did).toBe('did:web:learn.example.org');
    expect(didWebOf('http://localhost:3000')).toBe('did:web:localhost%3A3000');
  });
});
