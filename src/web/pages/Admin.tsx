// The admins' page: every account (searchable, a page at a time) and its role, changed here
// instead of through PATCH or the CLI. A role change ends that user's sessions (the server does
// it), which the page says, so nobody is surprised to be signed out. Below, the background jobs:
// how many wait in each queue, and the ones that ran out of retries, each sent back with Retry
// (what `waymark jobs list|retry` does).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate } from 'react-router';
import { call, client, type User } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useLeave } from '../leave.tsx';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';
import { keys } from '../queries.ts';

type Role = User['role'];
const ROLES: { value: Role; label: string }[] = [
  { value: 'learner', label: 'Learner — follows roadmaps' },
  { value: 'author', label: 'Author — also writes roadmaps' },
  { value: 'admin', label: 'Admin — everything, roles included' },
];

function UserRow({ account, self }: { account: User; self: boolean }) {
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>(account.role);
  const change = useMutation({
    mutationFn: () =>
      call(() =>
        client.PATCH('/api/v1/admin/users/{id}', { params: { path: { id: account.id } }, body: { role } }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['admin-users'] }),
  });
  const id = `role-${account.id}`;
  return (
    <li className="card admin-user">
      <h3 className="admin-user-name">
        {account.displayName}
        {self ? ' (you)' : ''}
      </h3>
      <p className="meta">{account.email}</p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate();
        }}
      >
        <label htmlFor={id}>Role</label>
        <select id={id} value={role} disabled={self} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        <button
          type="submit"
          className="button secondary small"
          disabled={self || role === account.role || change.isPending}
          aria-label={`Change role of ${account.displayName}`}
        >
          Change role
        </button>
      </form>
      {self ? <p className="hint">Another admin can change your own role.</p> : null}
      <ErrorMessage error={change.error} />
      {change.isSuccess ? (
        <p role="status">
          {account.displayName} is now {role === 'learner' ? 'a learner' : `an ${role}`}. Their sessions
          ended: they sign in again to use the new role.
        </p>
      ) : null}
    </li>
  );
}

const when = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));

const QUEUE_NAMES: Record<string, string> = {
  notification: 'Reminders and digests coming due',
  deliver: 'Mails and pushes to send',
  'notification-sweep': 'Reminder sweep (every 10 minutes)',
  'dead-letter': 'Out of retries',
};

const DEAD_LIMIT = 100;

/** The job queue: counts per queue, and the failed jobs with a Retry each. */
function BackgroundJobs() {
  const queryClient = useQueryClient();
  const jobs = useQuery({
    queryKey: keys.adminJobs,
    queryFn: () => call(() => client.GET('/api/v1/admin/jobs', { params: { query: { limit: DEAD_LIMIT } } })),
  });
  // Said here, not in the job's row: a retried job leaves the list.
  const [retried, setRetried] = useState<string | null>(null);
  const retry = useMutation({
    mutationFn: (job: { id: string; queue: string }) =>
      call(() => client.POST('/api/v1/admin/jobs/{id}/retry', { params: { path: { id: job.id } } })),
    onMutate: () => setRetried(null),
    onSuccess: (_data, job) => {
      setRetried(`Job ${job.id} is back in the ${job.queue} queue and runs again with fresh retries.`);
      void queryClient.invalidateQueries({ queryKey: keys.adminJobs });
    },
  });
  const data = jobs.data;
  return (
    <section aria-labelledby="jobs">
      <h2 id="jobs">Background jobs</h2>
      <p>
        Reminders, digests and their mails and pushes run on the job queue. A job that fails is tried again a
        few times; one that runs out of retries waits below until it is retried.
      </p>
      <button
        type="button"
        className="button secondary small"
        disabled={jobs.isFetching}
        onClick={() => void jobs.refetch()}
      >
        Refresh
      </button>
      {jobs.isPending ? <Loading /> : null}
      <ErrorMessage error={jobs.error} />
      {data ? (
        <>
          <div className="table-scroll admin-queues" tabIndex={0} role="region" aria-labelledby="jobs-queues">
            <table>
              <caption id="jobs-queues">Jobs in each queue</caption>
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col">Due</th>
                  <th scope="col">Later</th>
                  <th scope="col">Running</th>
                  <th scope="col">Failed</th>
                </tr>
              </thead>
              <tbody>
                {data.queues.map((q) => (
                  <tr key={q.queue}>
                    <th scope="row">
                      {q.queue}
                      {QUEUE_NAMES[q.queue] ? <span className="meta">{QUEUE_NAMES[q.queue]}</span> : null}
                    </th>
                    <td>{q.queued}</td>
                    <td>{q.deferred}</td>
                    <td>{q.active}</td>
                    <td>{q.failed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="hint">
            Due: waiting for a worker. Later: waiting for their time (reminders not yet due). Failed: out of
            retries. The queue counts about once a minute, so a job just failed may be listed below first.
          </p>
          <h3 id="jobs-failed">Failed jobs</h3>
          {data.dead.length === 0 ? <p>No job has run out of retries.</p> : null}
          {data.dead.length === DEAD_LIMIT ? (
            <p className="hint">The oldest {DEAD_LIMIT} are shown: retry these to see the next ones.</p>
          ) : null}
          <ul className="cards admin-jobs" aria-labelledby="jobs-failed" hidden={data.dead.length === 0}>
            {data.dead.map((job) => (
              <li key={job.id} className="card">
                <p className="admin-job-title">
                  <strong>{job.queue}</strong> · failed {when(job.failedAt)}
                </p>
                <p className="meta">Job {job.id}</p>
                <p className="admin-job-error">{job.error ?? 'It left no error message.'}</p>
                <button
                  type="button"
                  className="button secondary small"
                  disabled={retry.isPending}
                  aria-label={`Retry job ${job.id}`}
                  onClick={() => retry.mutate(job)}
                >
                  Retry
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {retried ? <p role="status">{retried}</p> : null}
      <ErrorMessage error={retry.error} />
    </section>
  );
}

export default function Admin() {
  usePageMeta('Admin');
  const { status, user } = useAuth();
  const { leaving } = useLeave();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const users = useInfiniteQuery({
    queryKey: ['admin-users', search],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(() =>
        client.GET('/api/v1/admin/users', {
          params: {
            query: {
              limit: 50,
              ...(pageParam ? { cursor: pageParam } : {}),
              ...(search ? { q: search } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: user?.role === 'admin',
  });

  if (status === 'anonymous' && !leaving) return <Navigate to="/login" replace />;
  if (!user) return <Loading />;
  if (user.role !== 'admin') {
    return (
      <section className="narrow">
        <h1>Admin</h1>
        <p>Only admins of this Waymark see its accounts.</p>
      </section>
    );
  }
  const items = users.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="narrow admin">
      <h1>Admin</h1>
      <section aria-labelledby="accounts">
        <h2 id="accounts">Accounts and roles</h2>
        <p>
          Authors write roadmaps; admins edit any roadmap and give roles. Changing a role signs that person
          out everywhere.
        </p>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            setSearch(q.trim());
          }}
        >
          <label htmlFor="admin-q">Find an account</label>
          <input
            id="admin-q"
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Email or name"
          />
          <button type="submit" className="button secondary">
            Find
          </button>
        </form>
        {users.isPending ? <Loading /> : null}
        <ErrorMessage error={users.error} />
        {users.isSuccess && items.length === 0 ? <p>No account matches “{search}”.</p> : null}
        <ul className="cards admin-users" aria-label="Accounts">
          {items.map((account) => (
            <UserRow key={account.id} account={account} self={account.id === user.id} />
          ))}
        </ul>
        {users.hasNextPage ? (
          <button
            type="button"
            className="button secondary"
            disabled={users.isFetchingNextPage}
            onClick={() => void users.fetchNextPage()}
          >
            Show more accounts
          </button>
        ) : null}
      </section>
      <BackgroundJobs />
    </div>
  );
}
