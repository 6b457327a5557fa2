// The web app's only way to the server: the public REST API, through a client typed from the
// server's own OpenAPI document (api/schema.d.ts, `npm run api:types`), so a request's path,
// parameters, body and answer are checked against what the server declares. The access token
// lives in memory; the refresh token in the httpOnly cookie the server sets for
// `X-Waymark-Client: web`. A 401 triggers one silent refresh (shared by concurrent requests, and
// taken in turns by the tabs) and a retry.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api/schema.ts';

export type Schemas = components['schemas'];
export type User = Schemas['User'];
export type AuthResult = Schemas['AuthResult'];
export type Problem = Schemas['Problem'];
export type RoadmapDocument = Schemas['RoadmapDocument'];
export type RoadmapListItem = Schemas['RoadmapListItem'];
export type StepDetail = Schemas['StepDetail'];
export type ProgressSummary = Schemas['ProgressSummary'];
export type StepStatus = Schemas['StepProgress']['status'];
export type Stats = Schemas['Stats'];
export type StudySession = Schemas['StudySession'];
export type PublicProfile = Schemas['PublicProfile'];
export type AuthoringState = Schemas['AuthoringState'];
export type SessionInfo = Schemas['SessionInfo'];
export type RoadmapSource = Schemas['RoadmapSource'];
export type ProfilePatch = NonNullable<
  paths['/api/v1/me']['patch']['requestBody']
>['content']['application/json'];

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }
  /** The message for one field of the request body, e.g. fieldError('email'). */
  fieldError(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.path === `/body/${field}`)?.message;
  }
}

/** The server did not answer at all (offline, restarting). */
export class NetworkError extends Error {
  constructor() {
    super('Waymark does not answer. Check your connection; we will keep trying.');
    this.name = 'NetworkError';
  }
}

let accessToken: string | null = null;
let refreshing: Promise<AuthResult | null> | null = null;
const sessionListeners = new Set<(result: AuthResult | null) => void>();

export function onSession(listener: (result: AuthResult | null) => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

export function setSession(result: AuthResult | null) {
  accessToken = result?.accessToken ?? null;
  for (const listener of sessionListeners) listener(result);
}

export function currentAccessToken(): string | null {
  return accessToken;
}

const bearer: Middleware = {
  onRequest({ request }) {
    if (accessToken && !request.headers.has('authorization')) {
      request.headers.set('authorization', `Bearer ${accessToken}`);
    }
    return request;
  },
};

/** The typed client. Call it through `call()`, which refreshes, retries and throws problems. */
export const client = createClient<paths>({
  credentials: 'same-origin',
  headers: { 'x-waymark-client': 'web' },
});
client.use(bearer);

/** A sessionless client for the cookie-authenticated session calls (no stale bearer token). */
const sessionClient = createClient<paths>({
  credentials: 'same-origin',
  headers: { 'x-waymark-client': 'web' },
});

/** What openapi-fetch answers: `{data, response}` on success, `{error, response}` otherwise. */
interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}
/** The success branch's data of an answer type, as the route's schema declares it. */
type SuccessData<R> = R extends { data: infer D; error?: never } ? D : never;

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'title' in value && 'status' in value;
}

function toError(response: Response, error: unknown): ApiError {
  return new ApiError(
    isProblem(error)
      ? error
      : { type: 'about:blank', title: response.statusText || 'Error', status: response.status },
  );
}

async function reach<R>(send: () => Promise<R>): Promise<R> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new NetworkError();
  }
}

/**
 * Sends a request made with `client` and returns its data, typed by the route's schema; a 401
 * with a session refreshes it once and retries; any other failure throws an ApiError carrying
 * the server's problem (or a NetworkError when the server did not answer).
 */
export async function call<R extends Answer>(send: () => Promise<R>): Promise<SuccessData<R>> {
  let result = await reach(send);
  if (result.response.status === 401 && accessToken) {
    if (await refreshSession()) result = await reach(send);
  }
  if (result.error !== undefined || !result.response.ok) throw toError(result.response, result.error);
  // No error and a 2xx: openapi-fetch's own union says this is its success branch. TypeScript
  // cannot narrow a generic union, so this one line states what the check above proved.
  return result.data as SuccessData<R>;
}

/**
 * Runs `task` while holding a lock shared by every tab of this site (Web Locks), so that tabs
 * restored together refresh one after another — each with the cookie the one before it set —
 * instead of all spending the same refresh token at once. (The server forgives that too, within
 * its grace window; this keeps it from being needed.)
 */
function acrossTabs<T>(task: () => Promise<T>): Promise<T> {
  if (typeof navigator === 'undefined' || !navigator.locks) return task();
  return navigator.locks.request('waymark-session-refresh', task);
}

/** Exchanges the session cookie for a fresh access token; null when there is no session. */
export function refreshSession(): Promise<AuthResult | null> {
  refreshing ??= acrossTabs(async () => {
    try {
      const { data, error, response } = await reach(() =>
        sessionClient.POST('/api/v1/auth/refresh', { body: {} }),
      );
      // 204: nobody is signed in in this browser; 401/403: the session ended.
      if (response.status === 204 || response.status === 401 || response.status === 403) {
        setSession(null);
        return null;
      }
      if (error !== undefined || !data) throw toError(response, error);
      setSession(data);
      return data;
    } finally {
      refreshing = null;
    }
  });
  return refreshing;
}

/**
 * Ends this browser's session: the cookie names it, so no access token is sent (an expired one
 * must not stand in the way of signing out). Throws when the server could not be reached or
 * refused, so the page can say so instead of pretending.
 */
export async function endSession(): Promise<void> {
  const { error, response } = await reach(() => sessionClient.POST('/api/v1/auth/logout', { body: {} }));
  // 401: there was no session left to end — signed out all the same.
  if (!response.ok && response.status !== 401) throw toError(response, error);
  setSession(null);
}
