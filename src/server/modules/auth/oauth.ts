// Sign-in through OAuth 2 / OpenID Connect providers with openid-client: the authorization
// code flow with PKCE (S256), `state` and — for OIDC — `nonce`. Each provider turns a callback
// into one verified identity: {subject, email, emailVerified, name}.
//
// - `oidc`: any OpenID Provider, found by discovery at OIDC_ISSUER_URL; identity from the ID
//   token, whose signature, issuer, audience and nonce openid-client checks.
// - `github`: plain OAuth 2 (GitHub issues no ID token); identity from its REST API, with the
//   address GitHub marks primary and verified.
import * as client from 'openid-client';
import type { AuthConfig } from '../../config.ts';

export interface ProviderIdentity {
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
}

export interface AuthorizationRequest {
  url: string;
  /** Kept by the browser (signed cookie) until the callback: never sent to the provider. */
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OAuthProvider {
  id: string;
  name: string;
  authorizationRequest(redirectUri: string): Promise<AuthorizationRequest>;
  /** Exchanges the code in `callbackUrl`; throws when any check fails. */
  identify(
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<ProviderIdentity>;
}

const TIMEOUT_SECONDS = 10;

/** Plain http is accepted only for an issuer on this machine (a local test or development IdP). */
function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** Lazily configured: an identity provider that is down at start does not stop the server. */
function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((err: unknown) => {
      pending = undefined; // try again next time
      throw err;
    });
    return pending;
  };
}

async function authorizationRequest(
  config: client.Configuration,
  redirectUri: string,
  scope: string,
): Promise<AuthorizationRequest> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, state, nonce, codeVerifier };
}

export function oidcProvider(options: {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
}): OAuthProvider {
  const issuer = new URL(options.issuerUrl);
  const configuration = lazy(() =>
    client.discovery(issuer, options.clientId, options.clientSecret, undefined, {
      timeout: TIMEOUT_SECONDS,
      ...(issuer.protocol === 'http:' && isLoopback(issuer)
        ? { execute: [client.allowInsecureRequests] }
        : {}),
    }),
  );
  return {
    id: 'oidc',
    name: 'Single sign-on',
    async authorizationRequest(redirectUri) {
      return authorizationRequest(await configuration(), redirectUri, 'openid email profile');
    },
    async identify(callbackUrl, expected) {
      const tokens = await client.authorizationCodeGrant(await configuration(), callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('the provider returned no ID token');
      return {
        subject: claims.sub,
        email: typeof claims.email === 'string' ? claims.email : undefined,
        emailVerified: claims.email_verified === true,
        name: typeof claims.name === 'string' ? claims.name : undefined,
      };
    },
  };
}

export function githubProvider(options: {
  clientId: string;
  clientSecret: string;
  /** For tests against a local stand-in; GitHub itself by default. */
  webUrl?: string;
  apiUrl?: string;
}): OAuthProvider {
  const web = options.webUrl ?? 'https://github.com';
  const api = options.apiUrl ?? 'https://api.github.com';
  const config = new client.Configuration(
    {
      issuer: web,
      authorization_endpoint: `${web}/login/oauth/authorize`,
      token_endpoint: `${web}/login/oauth/access_token`,
    },
    options.clientId,
    options.clientSecret,
  );
  config.timeout = TIMEOUT_SECONDS;
  if (new URL(web).protocol === 'http:' && isLoopback(new URL(web))) client.allowInsecureRequests(config);

  async function getJson<T>(accessToken: string, path: string): Promise<T> {
    const res = await client.fetchProtectedResource(
      config,
      accessToken,
      new URL(`${api}${path}`),
      'GET',
      undefined,
      new Headers({ accept: 'application/vnd.github+json' }),
    );
    if (!res.ok) throw new Error(`GitHub ${path} answered ${res.status}`);
    return (await res.json()) as T;
  }

  return {
    id: 'github',
    name: 'GitHub',
    async authorizationRequest(redirectUri) {
      return authorizationRequest(config, redirectUri, 'read:user user:email');
    },
    async identify(callbackUrl, expected) {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
      });
      const user = await getJson<{ id: number; name: string | null; login: string }>(
        tokens.access_token,
        '/user',
      );
      const emails = await getJson<{ email: string; primary: boolean; verified: boolean }[]>(
        tokens.access_token,
        '/user/emails',
      );
      const primary = emails.find((e) => e.primary) ?? emails.find((e) => e.verified);
      return {
        subject: String(user.id),
        email: primary?.email,
        emailVerified: primary?.verified === true,
        name: user.name ?? user.login,
      };
    },
  };
}

/** The providers the configuration enables, by id. */
export function configuredProviders(auth: AuthConfig): Map<string, OAuthProvider> {
  const providers = new Map<string, OAuthProvider>();
  if (auth.oidc) providers.set('oidc', oidcProvider(auth.oidc));
  if (auth.github) providers.set('github', githubProvider(auth.github));
  return providers;
}
