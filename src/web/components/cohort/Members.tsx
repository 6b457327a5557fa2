// The mentor view: the cohort's members in a table — progress on each roadmap, next step, last
// activity, streak, minutes this week, stuck or finished — sorted and filtered on the server (one
// SQL statement per page), with the actions a lead has on each row: nudge, change role, remove.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Mail, UserMinus } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { call, client } from '../../api.ts';
import { cohortKeys, type Cohort, type CohortMember, type CohortRole } from '../../cohorts.ts';
import { ErrorMessage, Loading } from '../common.tsx';

type Sort = 'name' | 'progress' | 'activity' | 'minutes';
type Filter = 'all' | 'stuck' | 'behind' | 'finished';
const SORTS: [Sort, string][] = [
  ['name', 'Name'],
  ['progress', 'Progress (lowest first)'],
  ['activity', 'Last active (longest ago first)'],
  ['minutes', 'Minutes this week (fewest first)'],
];
const FILTERS: [Filter, string][] = [
  ['all', 'Everyone'],
  ['stuck', 'Stuck'],
  ['behind', 'Behind the median'],
  ['finished', 'Finished'],
];

const ago = (at: string | null) => {
  if (!at) return 'never';
  const days = Math.floor((Date.now() - new Date(at).getTime()) / 86_400_000);
  return days <= 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`;
};

function Nudge({ cohortId, member, onDone }: { cohortId: string; member: CohortMember; onDone: () => void }) {
  const [message, setMessage] = useState('');
  const send = useMutation({
    mutationFn: () =>
      call(() =>
        client.POST('/api/v1/cohorts/{id}/members/{userId}/nudges', {
          params: { path: { id: cohortId, userId: member.userId } },
          body: { message },
        }),
      ),
  });
  if (send.isSuccess)
    return (
      <p role="status" className="nudge-sent">
        Nudge on its way to {member.displayName} by mail.{' '}
        <button type="button" className="link" onClick={onDone}>
          Close
        </button>
      </p>
    );
  const id = `nudge-${member.userId}`;
  return (
    <form
      className="nudge-form"
      onSubmit={(e) => {
        e.preventDefault();
        send.mutate();
      }}
    >
      <label htmlFor={id}>A short message to {member.displayName}</label>
      <textarea
        id={id}
        rows={2}
        maxLength={500}
        required
        value={message}
        onChange={(e) => setMessage(e.target.value)}
        placeholder="How is it going with the next step? Happy to pair on it."
      />
      <ErrorMessage error={send.error} />
      <div className="row">
        <button type="submit" className="button small" disabled={send.isPending || !message.trim()}>
          {send.isPending ? 'Sending…' : 'Send by mail'}
        </button>
        <button type="button" className="button small secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RowActions({ cohort, member }: { cohort: Cohort; member: CohortMember }) {
  const queryClient = useQueryClient();
  const [nudging, setNudging] = useState(false);
  const changed = () => void queryClient.invalidateQueries({ queryKey: cohortKeys.all(cohort.id) });
  const path = { id: cohort.id, userId: member.userId };
  const setRole = useMutation({
    mutationFn: (role: CohortRole) =>
      call(() => client.PATCH('/api/v1/cohorts/{id}/members/{userId}', { params: { path }, body: { role } })),
    onSuccess: changed,
  });
  const remove = useMutation({
    mutationFn: () =>
      call(() => client.DELETE('/api/v1/cohorts/{id}/members/{userId}', { params: { path } })),
    onSuccess: changed,
  });
  const self = cohort.me?.userId === member.userId;
  if (self || member.role === 'owner') return null;
  const owner = cohort.role === 'owner';
  return (
    <div className="member-actions">
      {member.role === 'member' ? (
        <button
          type="button"
          className="button small secondary"
          aria-expanded={nudging}
          onClick={() => setNudging((n) => !n)}
        >
          <Mail size={14} aria-hidden="true" /> Nudge
          <span className="visually-hidden"> {member.displayName}</span>
        </button>
      ) : null}
      {owner ? (
        <>
          <label className="visually-hidden" htmlFor={`role-${member.userId}`}>
            Role of {member.displayName}
          </label>
          <select
            id={`role-${member.userId}`}
            value={member.role}
            disabled={setRole.isPending}
            onChange={(e) => {
              const role = e.target.value as CohortRole;
              if (
                role === 'owner' &&
                !window.confirm(`Hand the cohort over to ${member.displayName}? You become a mentor.`)
              )
                return;
              setRole.mutate(role);
            }}
          >
            <option value="member">Member</option>
            <option value="mentor">Mentor</option>
            <option value="owner">Owner (hand over)</option>
          </select>
          <button
            type="button"
            className="icon-button"
            disabled={remove.isPending}
            onClick={() => {
              if (
                window.confirm(
                  `Remove ${member.displayName} from ${cohort.name}? Their progress stays theirs.`,
                )
              )
                remove.mutate();
            }}
          >
            <UserMinus size={16} aria-hidden="true" />
            <span className="visually-hidden">Remove {member.displayName}</span>
          </button>
        </>
      ) : null}
      <ErrorMessage error={setRole.error ?? remove.error} />
      {nudging ? <Nudge cohortId={cohort.id} member={member} onDone={() => setNudging(false)} /> : null}
    </div>
  );
}

export function Members({ cohort }: { cohort: Cohort }) {
  const [sort, setSort] = useState<Sort>('name');
  const [filter, setFilter] = useState<Filter>('all');
  const [desc, setDesc] = useState(false);
  const query = { sort, filter, desc };
  const members = useInfiniteQuery({
    queryKey: cohortKeys.members(cohort.id, query),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(() =>
        client.GET('/api/v1/cohorts/{id}/members', {
          params: {
            path: { id: cohort.id },
            query: { limit: 50, ...query, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = members.data?.pages.flatMap((p) => p.items) ?? [];
  const titles = new Map(cohort.roadmaps.map((r) => [r.slug, r.title]));
  return (
    <section className="panel cohort-members" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <div className="member-controls">
        <div className="field">
          <label htmlFor="member-sort">Sort by</label>
          <select id="member-sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={desc} onChange={(e) => setDesc(e.target.checked)} /> Reverse
        </label>
        <fieldset className="status-control member-filter" aria-label="Show">
          {FILTERS.map(([value, label]) => (
            <label key={value} className="status-option">
              <input
                type="radio"
                name="member-filter"
                value={value}
                checked={filter === value}
                onChange={() => setFilter(value)}
              />
              <span>{label}</span>
            </label>
          ))}
        </fieldset>
      </div>
      {members.isPending ? <Loading label="Loading members…" /> : null}
      <ErrorMessage error={members.error} />
      {cohort.summary.memberCount === 0 ? (
        <p>Nobody has joined yet. Create an invitation below and send its link.</p>
      ) : null}
      {members.isSuccess && rows.length === 0 ? <p role="status">Nobody here.</p> : null}
      {rows.length > 0 ? (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Members table">
          <table className="members-table">
            <thead>
              <tr>
                <th scope="col">Member</th>
                {cohort.roadmaps.map((r) => (
                  <th scope="col" key={r.slug}>
                    {r.title}
                  </th>
                ))}
                <th scope="col">Last active</th>
                <th scope="col">Streak</th>
                <th scope="col">Min. this week</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => {
                const last = m.roadmaps
                  .map((r) => r.lastActivityAt)
                  .filter((at): at is string => at !== null)
                  .sort()
                  .at(-1);
                return (
                  <tr key={m.userId} data-user={m.userId}>
                    <th scope="row">
                      {m.displayName}
                      {m.role !== 'member' ? <span className="role-badge">{m.role}</span> : null}
                    </th>
                    {m.roadmaps.map((r) => (
                      <td key={r.slug}>
                        <span className="member-percent">{r.percent}%</span>
                        <span className="mini-track" aria-hidden="true">
                          <span style={{ width: `${r.percent}%` }} />
                        </span>
                        {r.nextStep ? (
                          <span className="hint">
                            Next:{' '}
                            <Link to={`/roadmaps/${r.slug}/steps/${r.nextStep.slug}`}>
                              {r.nextStep.title}
                            </Link>
                          </span>
                        ) : (
                          <span className="hint">All of {titles.get(r.slug)} done</span>
                        )}
                      </td>
                    ))}
                    <td>{ago(last ?? null)}</td>
                    <td>{m.currentStreak} d</td>
                    <td>{m.minutesLast7Days}</td>
                    <td>
                      {m.finished ? <span className="badge done">Finished</span> : null}
                      {m.stuck ? <span className="badge stuck">Stuck</span> : null}
                      {!m.finished && !m.stuck ? <span className="badge">On the way</span> : null}
                    </td>
                    <td>
                      <RowActions cohort={cohort} member={m} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {members.hasNextPage ? (
        <button
          type="button"
          className="button secondary"
          disabled={members.isFetchingNextPage}
          onClick={() => void members.fetchNextPage()}
        >
          {members.isFetchingNextPage ? 'Loading…' : 'More members'}
        </button>
      ) : null}
    </section>
  );
}
