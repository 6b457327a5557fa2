// A banner while the API does not answer; it goes away by itself when it does again.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { NetworkError } from '../api.ts';

export function OfflineBanner() {
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
