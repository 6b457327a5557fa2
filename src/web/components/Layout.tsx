// The page shell: a header with the logo, search, the running timer and the navigation (a menu
// button on phones), the theme switch and the shortcut sheet; notices of flows that ended on
// the previous page; the offline banner; and the footer.
import { useIsFetching } from '@tanstack/react-query';
import { Keyboard, Menu, X } from 'lucide-react';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth.tsx';
import { useLeave } from '../leave.tsx';
import { useLiveEvents } from '../live.ts';
import { NavigationFocus } from '../navigation.tsx';
import { usePendingNotesSync } from '../notes.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { Logo } from './Logo.tsx';
import { OfflineBanner } from './OfflineBanner.tsx';

// Loaded right after the page itself (they are not needed for its first paint): the header's
// search, timer chip and theme switch, and the shortcut sheet when first asked for.
const HeaderSearch = lazy(() => import('./header/Search.tsx').then((m) => ({ default: m.HeaderSearch })));
const TimerChip = lazy(() => import('./header/TimerChip.tsx'));
const ThemeSwitch = lazy(() => import('./header/ThemeSwitch.tsx'));
const ShortcutSheet = lazy(() => import('./header/ShortcutSheet.tsx'));

function useShortcutSheet(): [boolean, (open: boolean) => void] {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return [open, setOpen];
}

export function Layout({ children }: { children?: ReactNode }) {
  const { status, user } = useAuth();
  const location = useLocation();
  const fetching = useIsFetching();
  const { leave, error: signOutError } = useLeave();
  const [menuOpen, setMenuOpen] = useState(false);
  const [sheetOpen, setSheetOpen] = useShortcutSheet();
  // A flow that ended elsewhere (sign-out, account deletion) says what happened on the next page.
  const notice = (location.state as { notice?: string } | null)?.notice;
  useLiveEvents();
  usePendingNotesSync();
  useEffect(() => setMenuOpen(false), [location.key]);

  return (
    <>
      <NavigationFocus />
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to="/" className="brand">
            <Logo /> <span>Waymark</span>
          </Link>
          <Suspense fallback={<div className="header-search" aria-hidden="true" />}>
            <HeaderSearch />
          </Suspense>
          {status === 'signed-in' ? (
            <Suspense fallback={null}>
              <TimerChip />
            </Suspense>
          ) : null}
          <button
            type="button"
            className="icon-button menu-button"
            aria-expanded={menuOpen}
            aria-controls="site-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            {menuOpen ? <X size={20} aria-hidden="true" /> : <Menu size={20} aria-hidden="true" />}
            <span className="visually-hidden">Menu</span>
          </button>
          <nav id="site-nav" aria-label="Main" className={`nav${menuOpen ? ' open' : ''}`}>
            <NavLink to="/" end>
              Roadmaps
            </NavLink>
            {status === 'signed-in' ? (
              <>
                <NavLink to="/dashboard">Dashboard</NavLink>
                <NavLink to="/history">History</NavLink>
                <NavLink to="/review">Review</NavLink>
                <NavLink to="/notes">My notes</NavLink>
                <NavLink to="/cohorts">Cohorts</NavLink>
                {user && user.role !== 'learner' ? <NavLink to="/author">Author</NavLink> : null}
                {user?.role === 'admin' ? <NavLink to="/admin">Admin</NavLink> : null}
                <NavLink to="/settings">Settings</NavLink>
                <button type="button" className="link" onClick={() => leave('You are signed out.')}>
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
            <Suspense fallback={null}>
              <ThemeSwitch />
            </Suspense>
          </nav>
        </div>
        <div className={`loading-bar${fetching ? ' active' : ''}`} aria-hidden="true" />
      </header>
      {signOutError ? (
        <p className="error banner" role="alert">
          {signOutError}
        </p>
      ) : null}
      <OfflineBanner />
      <main id="main" tabIndex={-1}>
        {notice ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
        <ErrorBoundary resetKey={location.key}>{children ?? <Outlet />}</ErrorBoundary>
      </main>
      <footer className="site-footer">
        <p>
          Waymark — consistency beats intensity. <a href="/api/docs">API reference</a> ·{' '}
          <button type="button" className="link" onClick={() => setSheetOpen(true)}>
            <Keyboard size={14} aria-hidden="true" /> Keyboard shortcuts (?)
          </button>
        </p>
      </footer>
      {sheetOpen ? (
        <Suspense fallback={null}>
          <ShortcutSheet onClose={() => setSheetOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
