// Open Badges 3.0 credentials: what a learner earned, as a signed document anyone can check.
import Type, { type Static } from 'typebox';
import { ref } from '../../http/schemas.ts';

const Timestamp = Type.String({ format: 'date-time' });

export const CredentialSummary = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String({ description: 'The achievement, as the credential names it.' }),
    roadmapSlug: Type.String(),
    roadmapTitle: Type.String(),
    milestone: Type.Union([Type.String(), Type.Null()], {
      description: "The milestone's slug; null for a credential for all of the roadmap's required steps.",
    }),
    issuedAt: Timestamp,
    public: Type.Boolean({ description: 'Whether anyone may fetch it at `url`.' }),
    url: Type.String({ description: 'GET it here (public credentials only) to see or verify it.' }),
    revokedAt: Type.Union([Timestamp, Type.Null()], {
      description: 'When it was revoked (verification then fails); null while it stands.',
    }),
  },
  { $id: 'CredentialSummary', additionalProperties: false },
);
export type CredentialSummary = Static<typeof CredentialSummary>;

export const CredentialList = Type.Object(
  { items: Type.Array(ref(CredentialSummary), { description: 'Newest first.' }) },
  { $id: 'CredentialList', additionalProperties: false },
);
export type CredentialList = Static<typeof CredentialList>;

/** A signed credential: a JSON-LD document, described here only as far as clients rely on it. */
export const VerifiableCredential = Type.Object(
  {
    '@context': Type.Array(Type.String(), { minItems: 1 }),
    id: Type.String(),
    type: Type.Array(Type.String(), { minItems: 1 }),
    issuer: Type.Object({ id: Type.String() }, { additionalProperties: true }),
    validFrom: Type.String(),
    credentialSubject: Type.Object({}, { additionalProperties: true }),
    proof: Type.Array(Type.Object({}, { additionalProperties: true }), {
      minItems: 1,
      description: 'A proof set, as Open Badges 3.0 wants it.',
    }),
  },
  {
    $id: 'VerifiableCredential',
    additionalProperties: true,
    description:
      "An Open Badges 3.0 `OpenBadgeCredential` (a W3C Verifiable Credential 2.0) with a Data Integrity proof, cryptosuite `eddsa-rdfc-2022`, by the key in the issuer's DID document (`/.well-known/did.json`).",
  },
);

export type VerifiableCredential = Static<typeof VerifiableCredential>;

export const CredentialPatch = Type.Object(
  { public: Type.Boolean({ description: 'Share it (anyone with its URL may fetch it) or stop sharing.' }) },
  { additionalProperties: false },
);

export const RevokeBody = Type.Object(
  {
    reason: Type.Optional(
      Type.String({ format: 'line', maxLength: 200, description: 'Kept with it; verification reports it.' }),
    ),
  },
  { additionalProperties: false },
);

export const CredentialParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** Anything offered for verification: an object, checked by the verifier rather than here. */
export const VerifyBody = Type.Object(
  {},
  { additionalProperties: true, description: 'A credential, as issued (with its `proof`).' },
);

export const VerifyResult = Type.Object(
  {
    verified: Type.Boolean({
      description: 'The proof holds, it is signed by this instance, and it is not revoked.',
    }),
    errors: Type.Array(Type.String(), { description: 'Why not, one reason each; empty when verified.' }),
    credentialId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
      description: 'Which of this instance’s credentials it is; null when it is none of them.',
    }),
    revokedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'VerifyResult', additionalProperties: false },
);
export type VerifyResult = Static<typeof VerifyResult>;

export const IssuerProfile = Type.Object(
  {
    id: Type.String({ description: 'The issuer: did:web of this instance’s public URL.' }),
    type: Type.Array(Type.String()),
    name: Type.String(),
    url: Type.String(),
    didDocument: Type.String({ description: 'Where its DID document (with the key) is served.' }),
    verificationMethod: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          type: Type.Literal('Multikey'),
          controller: Type.String(),
          publicKeyMultibase: Type.String(),
        },
        { additionalProperties: false },
      ),
      { description: 'The keys its credentials are signed with; every instance lists the same.' },
    ),
  },
  { $id: 'IssuerProfile', additionalProperties: false },
);
export type IssuerProfile = Static<typeof IssuerProfile>;

export const badgeSchemas = [
  CredentialSummary,
  CredentialList,
  VerifiableCredential,
  VerifyResult,
  IssuerProfile,
];
