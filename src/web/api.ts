// The web app's only way to the server: the public REST API. The access token lives in memory;
// the refresh token in the httpOnly cookie the server sets for `X-Waymark-Client: web`. A 401
// triggers one silent refresh (shared by concurrent requests) and a retry.

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
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

export interface User {
  id: string;
  email: string;
  emailVerified: boolean;
  displayName: string;
  role: 'learner' | 'author' | 'admin';
  timezone: string;
  dailyGoalMinutes: number;
  publicProfile: boolean;
  handle: string | null;
  createdAt: string;
}

export interface AuthResult {
  user: User;
  accessToken: string;
  expiresIn: number;
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

const WEB = { 'x-waymark-client': 'web' };

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new NetworkError();
  }
}

async function toError(res: Response): Promise<ApiError> {
  try {
    return new ApiError((await res.json()) as Problem);
  } catch {
    return new ApiError({ title: res.statusText || 'Error', status: res.status });
  }
}

/** Exchanges the session cookie for a fresh access token; null when there is no session. */
export function refreshSession(): Promise<AuthResult | null> {
  refreshing ??= (async () => {
    try {
      const res = await send('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { ...WEB, 'content-type': 'application/json' },
        body: '{}',
      });
      if (res.status === 401 || res.status === 403) {
        setSession(null);
        return null;
      }
      if (!res.ok) throw await toError(res);
      const result = (await res.json()) as AuthResult;
      setSession(result);
      return result;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const attempt = () =>
    send(path, {
      method: options.method ?? 'GET',
      headers: {
        ...WEB,
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
    });
  let res = await attempt();
  if (res.status === 401 && accessToken && !path.startsWith('/api/v1/auth/')) {
    if (await refreshSession()) res = await attempt();
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204 || res.status === 202) return undefined as T;
  return (await res.json()) as T;
}
