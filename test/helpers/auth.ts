// Signing up test users through the real API.
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';

export const GOOD_PASSWORD = 'correct horse battery staple';

export interface SignedUp {
  user: { id: string; email: string; role: string; displayName: string };
  accessToken: string;
  refreshToken: string;
  auth: { authorization: string };
}

export function uniqueEmail(prefix = 'learner'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
}

export async function signUp(
  app: FastifyInstance,
  overrides: { email?: string; password?: string; displayName?: string } = {},
): Promise<SignedUp> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: {
      email: overrides.email ?? uniqueEmail(),
      password: overrides.password ?? GOOD_PASSWORD,
      displayName: overrides.displayName ?? 'Ada Learner',
    },
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as Omit<SignedUp, 'auth'>;
  return { ...body, auth: { authorization: `Bearer ${body.accessToken}` } };
}
