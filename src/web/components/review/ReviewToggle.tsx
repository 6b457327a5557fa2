// Spaced review on or off for one roadmap (on by default): off hides its cards, which are kept.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { call, client, type Schemas } from '../../api.ts';
import { keys } from '../../queries.ts';
import { ErrorMessage } from '../common.tsx';

export function ReviewToggle({ slug, forecast }: { slug: string; forecast: Schemas['Forecast'] }) {
  const queryClient = useQueryClient();
  const id = useId();
  const save = useMutation({
    mutationFn: (reviews: boolean) =>
      call(() =>
        client.PATCH('/api/v1/me/roadmaps/{slug}', { params: { path: { slug } }, body: { reviews } }),
      ),
    onSuccess: (f) => {
      queryClient.setQueryData(keys.forecast(slug), f);
      void queryClient.invalidateQueries({ queryKey: keys.reviews });
    },
  });
  const on = save.isPending ? save.variables : forecast.reviews;
  return (
    <div className="review-toggle">
      <input
        id={id}
        type="checkbox"
        checked={on}
        disabled={save.isPending}
        onChange={(e) => save.mutate(e.target.checked)}
      />{' '}
      <label htmlFor={id}>Bring done steps back for spaced review (their check questions)</label>
      <ErrorMessage error={save.error} />
    </div>
  );
}
