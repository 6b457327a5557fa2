import { useIsFetching, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { NetworkError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useLiveEvents } from '../live.ts';

/** A banner while the API does not answer; it goes away by itself when it does again. */
function OfflineBanner() {
  const queryClient = useQueryClient();
  const [offline, setOffline] = useState(() => typeof navigator !== 'undefined' && !navigator.onLine);
  useEffect(() => {
    const cache = queryClient.getQueryCache();
    const off = cache.subscribe((event) => {
      if (event.type !== 'updated') return;
      const { error, status } = event.query.state;
      if (error instanceof NetworkError) setOffline(true);
      else if (status === 'success') setOffline(false);
    });
    const down = () => setOffline(true);
    const up = () => {
      setOffline(false);
      void queryClient.refetchQueries({ type: 'active' });
    };
    window.addEventListener('offline', down);
    window.addEventListener('online', up);
    return () => {
      off();
      window.removeEventListener('offline', down);
      window.removeEventListener('online', up);
    };
  }, [queryClient]);
  if (!offline) return null;
  return (
    <div className="banner" role="alert">
      Waymark is not answering. Your last changes may not be saved; we keep trying.{' '}
      <button
        type="button"
        className="link"
        onClick={() => void queryClient.refetchQueries({ type: 'active' })}
      >
        Retry now
      </button>
    </div>
  );
}

export function Layout({ children }: { children?: ReactNode }) {
  const { status, user, signOut } = useAuth();
  const navigate = useNavigate();
  const fetching = useIsFetching();
  useLiveEvents();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <nav aria-label="Main" className="nav">
          <Link to="/" className="brand">
            <span aria-hidden="true">◆</span> Waymark
          </Link>
          <NavLink to="/">Roadmaps</NavLink>
          {status === 'signed-in' ? (
            <>
              <NavLink to="/dashboard">Dashboard</NavLink>
              {user && user.role !== 'learner' ? <NavLink to="/author">Author</NavLink> : null}
              <NavLink to="/settings">Settings</NavLink>
              <button
                type="button"
                className="link"
                onClick={async () => {
                  await signOut();
                  navigate('/');
                }}
              >
                Sign out{user ? ` (${user.displayName})` : ''}
              </button>
            </>
          ) : status === 'anonymous' ? (
            <>
              <NavLink to="/login">Sign in</NavLink>
              <NavLink to="/signup" className="button small">
                Sign up
              </NavLink>
            </>
          ) : null}
        </nav>
        <div className={`loading-bar${fetching ? ' active' : ''}`} aria-hidden="true" />
      </header>
      <OfflineBanner />
      <main id="main" tabIndex={-1}>
        {children ?? <Outlet />}
      </main>
      <footer className="site-footer">
        <p>
          Waymark — consistency beats intensity. <a href="/api/docs">API reference</a>
        </p>
      </footer>
    </>
  );
}
