// Ending the session from a signed-in page (sign-out, account deletion): go to the home page
// first, end the session once it is shown, then say what happened there. Doing it the other way
// round lets the signed-in page see "signed out" first and send the reader to the sign-in page.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useAuth } from './auth.tsx';

interface Leave {
  /** True from the moment a sign-out starts until the home page says it is done. */
  leaving: boolean;
  leave(notice: string): void;
  error: string | null;
}

const LeaveContext = createContext<Leave>({ leaving: false, leave: () => {}, error: null });

export function LeaveProvider({ children }: { children: ReactNode }) {
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (pending === null || location.pathname !== '/') return;
    const notice = pending;
    signOut().then(
      () => {
        setPending(null);
        navigate('/', { replace: true, state: { notice } });
      },
      () => {
        setPending(null);
        setError('Signing out did not reach Waymark. Check your connection and try again.');
      },
    );
  }, [pending, location.pathname, signOut, navigate]);

  const value: Leave = {
    leaving: pending !== null,
    error,
    leave(notice) {
      setError(null);
      setPending(notice);
      navigate('/');
    },
  };
  return <LeaveContext.Provider value={value}>{children}</LeaveContext.Provider>;
}

export const useLeave = () => useContext(LeaveContext);
