// Where the cohort gets stuck: each roadmap's steps in order, with how many members have done
// each one and how many are on it now. A table (steps × counts) that screen readers read row by
// row; the bar is the picture of it.
import { useQuery } from '@tanstack/react-query';
import { call, client } from '../../api.ts';
import { cohortKeys } from '../../cohorts.ts';
import { ErrorMessage, Loading } from '../common.tsx';

export function Heatmap({ cohortId }: { cohortId: string }) {
  const heatmap = useQuery({
    queryKey: cohortKeys.heatmap(cohortId),
    queryFn: () =>
      call(() => client.GET('/api/v1/cohorts/{id}/heatmap', { params: { path: { id: cohortId } } })),
  });
  if (heatmap.isPending) return <Loading label="Loading the step heatmap…" />;
  if (heatmap.error) return <ErrorMessage error={heatmap.error} />;
  const { memberCount, roadmaps } = heatmap.data;
  const level = (done: number) => (memberCount === 0 ? 0 : Math.ceil((done / memberCount) * 4));
  return (
    <section className="panel cohort-heatmap" aria-labelledby="heatmap-title">
      <h2 id="heatmap-title">Step by step</h2>
      <p className="hint">
        How many of the {memberCount} {memberCount === 1 ? 'member has' : 'members have'} done each step. A
        step where the bar drops and many are still learning is where the cohort needs help.
      </p>
      {roadmaps.map((r) => (
        <details key={r.slug} open={roadmaps.length === 1}>
          <summary>{r.title}</summary>
          <div className="table-scroll" tabIndex={0} role="region" aria-label={`${r.title} steps`}>
            <table className="heat-table">
              <thead>
                <tr>
                  <th scope="col">Step</th>
                  <th scope="col">Done</th>
                  <th scope="col">Learning</th>
                  <th scope="col" aria-hidden="true" />
                </tr>
              </thead>
              <tbody>
                {r.steps.map((s, i) => (
                  <tr key={s.slug}>
                    <th scope="row">
                      <span className="hint">
                        {i === 0 || r.steps[i - 1]!.layerTitle !== s.layerTitle ? `${s.layerTitle} · ` : ''}
                      </span>
                      {s.title}
                      {s.required ? '' : <span className="hint"> (optional)</span>}
                    </th>
                    <td>{s.done}</td>
                    <td>{s.inProgress}</td>
                    <td aria-hidden="true" className="heat-bar-cell">
                      <span
                        className={`heat-bar level-${level(s.done)}`}
                        style={{ width: `${memberCount ? (s.done / memberCount) * 100 : 0}%` }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ))}
    </section>
  );
}
