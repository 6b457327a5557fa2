// The admins' page: every account (searchable, a page at a time) and its role, changed here
// instead of through PATCH or the CLI. A role change ends that user's sessions (the server does
// it), which the page says, so nobody is surprised to be signed out.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate } from 'react-router';
import { call, client, type User } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useLeave } from '../leave.tsx';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';

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
      <h2 className="admin-user-name">
        {account.displayName}
        {self ? ' (you)' : ''}
      </h2>
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

export default function Admin() {
  usePageMeta('Accounts and roles');
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
        <h1>Accounts and roles</h1>
        <p>Only admins of this Waymark see its accounts.</p>
      </section>
    );
  }
  const items = users.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="narrow">
      <h1>Accounts and roles</h1>
      <p>
        Authors write roadmaps; admins edit any roadmap and give roles. Changing a role signs that person out
        everywhere.
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
  );
}
