// Who is signed in, for every page. On load the session cookie (if any) is exchanged for an
// access token; sign-in, sign-up and sign-out go through the API.
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  call,
  client,
  endSession,
  onSession,
  refreshSession,
  setSession,
  type AuthResult,
  type User,
} from './api.ts';

type Status = 'loading' | 'signed-in' | 'anonymous';

interface AuthContextValue {
  status: Status;
  user: User | null;
  signIn(email: string, password: string): Promise<User>;
  signUp(email: string, password: string, displayName: string): Promise<User>;
  signOut(): Promise<void>;
  setUser(user: User): void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUserState] = useState<User | null>(null);
  const [status, setStatus] = useState<Status>('loading');
  const queryClient = useQueryClient();

  useEffect(() => {
    const off = onSession((result) => {
      setUserState(result?.user ?? null);
      setStatus(result ? 'signed-in' : 'anonymous');
    });
    refreshSession().catch(() => setStatus('anonymous'));
    return off;
  }, []);

  const value = useMemo<AuthContextValue>(() => {
    const start = (result: AuthResult) => {
      setSession(result);
      void queryClient.invalidateQueries();
      return result.user;
    };
    return {
      status,
      user,
      signIn: async (email, password) =>
        start(await call(() => client.POST('/api/v1/auth/login', { body: { email, password } }))),
      signUp: async (email, password, displayName) =>
        start(
          await call(() => client.POST('/api/v1/auth/signup', { body: { email, password, displayName } })),
        ),
      signOut: async () => {
        await endSession();
        queryClient.clear();
      },
      setUser: (next) => setUserState(next),
    };
  }, [status, user, queryClient]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
