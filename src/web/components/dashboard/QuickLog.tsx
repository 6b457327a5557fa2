// Log minutes by hand (time studied away from the timer), once per submit whatever the retries.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { call, client } from '../../api.ts';
import { ErrorMessage, Field } from '../common.tsx';
import { keys } from '../../queries.ts';

/** Logs study minutes with an Idempotency-Key: the same logical action never logs twice. */
export function useLogStudy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ minutes, key, note }: { minutes: number; key: string; note?: string }) =>
      call(() =>
        client.POST('/api/v1/me/study-sessions', {
          body: note ? { minutes, note } : { minutes },
          params: { header: { 'idempotency-key': key } },
        }),
      ),
    retry: 2, // safe: the key makes a retry a replay
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: keys.stats });
      void queryClient.invalidateQueries({ queryKey: keys.studyLog });
    },
  });
}

export function QuickLog() {
  const log = useLogStudy();
  const key = useRef<string | null>(null);
  return (
    <section className="panel" aria-labelledby="quick-log">
      <h2 id="quick-log">Log time</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const minutes = Number(new FormData(e.currentTarget).get('minutes'));
          key.current ??= crypto.randomUUID();
          const form = e.currentTarget;
          log.mutate(
            { minutes, key: key.current },
            {
              onSuccess: () => {
                key.current = null;
                form.reset();
              },
            },
          );
        }}
      >
        <Field
          label="Minutes"
          name="minutes"
          type="number"
          min={1}
          max={1440}
          required
          defaultValue={30}
          error={log.error}
        />
        <button type="submit" className="button" disabled={log.isPending}>
          Log
        </button>
      </form>
      {log.isSuccess ? <p role="status">Logged {log.data.minutes} min.</p> : null}
      <ErrorMessage error={log.error} />
    </section>
  );
}
