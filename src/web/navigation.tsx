// Navigation that does not fight the reader:
// - every new page starts at its top, and back/forward return to where you were on that page
//   (positions kept per history entry in sessionStorage, restored once the page has drawn);
// - the new page's heading takes the focus and a live region says which page it is, so a
//   screen reader hears the move;
// - a page with unsaved work can ask before any navigation away (useLeaveGuard).
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useLocation, useNavigationType } from 'react-router';

const POSITIONS = 'waymark-scroll-v1';

function positions(): Record<string, number> {
  try {
    return JSON.parse(sessionStorage.getItem(POSITIONS) ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

function useScrollRestoration() {
  const location = useLocation();
  const type = useNavigationType();
  const previous = useRef(location.key);
  // Where the reader is on the current page, as last scrolled (by the time a new page renders,
  // the window may already have been clamped to its shorter height).
  const lastY = useRef(0);
  const remember = (key: string, y: number) =>
    sessionStorage.setItem(POSITIONS, JSON.stringify({ ...positions(), [key]: y }));

  useEffect(() => {
    history.scrollRestoration = 'manual';
    const onScroll = () => {
      lastY.current = window.scrollY;
    };
    const save = () => remember(previous.current, lastY.current);
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('pagehide', save);
    return () => {
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('pagehide', save);
    };
  }, []);

  useLayoutEffect(() => {
    if (previous.current === location.key) return;
    // Leaving the page we were on: remember where we were on it.
    remember(previous.current, lastY.current);
    previous.current = location.key;
    if (location.hash) return; // a link to a place on the page: the browser goes there
    const saved = type === 'POP' ? positions()[location.key] : undefined;
    if (saved === undefined) {
      window.scrollTo(0, 0);
      return;
    }
    // The page may still be loading its content: try until it is tall enough (a few seconds).
    let tries = 0;
    const restore = () => {
      window.scrollTo(0, saved);
      if (Math.abs(window.scrollY - saved) > 2 && tries++ < 40) timer = setTimeout(restore, 50);
    };
    let timer = setTimeout(restore, 0);
    return () => clearTimeout(timer);
  }, [location.key, location.hash, type]);
}

export function NavigationFocus() {
  const location = useLocation();
  const type = useNavigationType();
  const first = useRef(true);
  const [announcement, setAnnouncement] = useState('');
  useScrollRestoration();

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // The page may still be loading its data: wait (a little) for its heading to appear.
    const main = document.getElementById('main');
    if (!main) return;
    let done = false;
    const focusHeading = () => {
      const heading = main.querySelector('h1');
      if (!heading || done) return false;
      done = true;
      if (type !== 'POP') {
        heading.setAttribute('tabindex', '-1');
        heading.focus({ preventScroll: true });
      }
      // The page sets its title in an effect after this render: read it a moment later.
      setTimeout(() => setAnnouncement(document.title), 100);
      return true;
    };
    if (focusHeading()) return;
    const observer = new MutationObserver(() => {
      if (focusHeading()) observer.disconnect();
    });
    observer.observe(main, { childList: true, subtree: true });
    const timeout = setTimeout(() => observer.disconnect(), 10_000);
    return () => {
      observer.disconnect();
      clearTimeout(timeout);
    };
  }, [location.key, type]);

  return (
    <p className="visually-hidden" aria-live="polite" aria-atomic="true">
      {announcement}
    </p>
  );
}

/** While `active`, closing or reloading the tab asks first (the browser's own question). */
export function useAskBeforeUnload(active: boolean) {
  useEffect(() => {
    if (!active) return;
    const ask = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [active]);
}

/**
 * While `active`, leaving asks first — closing or reloading the tab (the browser's own
 * question) and following any link inside the app (`message`, in words). The browser's back
 * button is not asked (it cannot be without the data router); pages that guard unsaved work
 * also keep a local copy of it.
 */
export function useLeaveGuard(active: boolean, message: string) {
  const location = useLocation();
  useAskBeforeUnload(active);
  useEffect(() => {
    if (!active) return;
    const click = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
        return;
      const link = (event.target as Element | null)?.closest('a[href]');
      if (
        !(link instanceof HTMLAnchorElement) ||
        link.target === '_blank' ||
        link.origin !== window.location.origin
      )
        return;
      if (link.pathname === window.location.pathname && link.search === window.location.search) return;
      if (!window.confirm(message)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    document.addEventListener('click', click, true); // before React Router's own handler
    return () => document.removeEventListener('click', click, true);
  }, [active, message, location.key]);
}
