// Invitations: a link to send (shown once — only its hash is kept), optionally mailed too, with a
// role, a number of uses and an end; the list of the cohort's invitations and their state, each
// revocable.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Copy } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { call, client, type Schemas } from '../../api.ts';
import { cohortKeys, type Cohort } from '../../cohorts.ts';
import { ErrorMessage, Field, FormError, Loading } from '../common.tsx';

type Created = Schemas['CreatedCohortInvite'];
const STATE = { active: 'Active', expired: 'Expired', revoked: 'Revoked', 'used-up': 'Used up' } as const;
const date = (at: string) =>
  new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

function CreatedLink({ invite }: { invite: Created }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="created-invite" role="status">
      <p>
        Send this link to the {invite.role === 'mentor' ? 'mentors' : 'people'} you invite
        {invite.email ? ` (it was mailed to ${invite.email} too)` : ''}. It is shown only now.
      </p>
      <div className="row">
        <input
          className="share-url"
          readOnly
          value={invite.url}
          aria-label="Invitation link"
          onFocus={(e) => e.target.select()}
        />
        <button
          type="button"
          className="button small secondary"
          onClick={() => void navigator.clipboard?.writeText(invite.url).then(() => setCopied(true))}
        >
          <Copy size={14} aria-hidden="true" /> {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}

export function Invites({ cohort }: { cohort: Cohort }) {
  const queryClient = useQueryClient();
  const invites = useQuery({
    queryKey: cohortKeys.invites(cohort.id),
    queryFn: () =>
      call(() => client.GET('/api/v1/cohorts/{id}/invites', { params: { path: { id: cohort.id } } })),
  });
  const changed = () => void queryClient.invalidateQueries({ queryKey: cohortKeys.invites(cohort.id) });
  const create = useMutation({
    mutationFn: (body: { role: 'member' | 'mentor'; maxUses: number | null; email?: string }) =>
      call(() => client.POST('/api/v1/cohorts/{id}/invites', { params: { path: { id: cohort.id } }, body })),
    onSuccess: changed,
  });
  const revoke = useMutation({
    mutationFn: (inviteId: string) =>
      call(() =>
        client.DELETE('/api/v1/cohorts/{id}/invites/{inviteId}', {
          params: { path: { id: cohort.id, inviteId } },
        }),
      ),
    onSuccess: changed,
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const uses = String(form.get('maxUses') ?? '').trim();
    const email = String(form.get('email') ?? '').trim();
    create.mutate({
      role: form.get('role') === 'mentor' ? 'mentor' : 'member',
      maxUses: uses ? Number(uses) : null,
      ...(email ? { email } : {}),
    });
  };
  return (
    <section className="panel cohort-invites" aria-labelledby="invites-title">
      <h2 id="invites-title">Invitations</h2>
      <form onSubmit={submit} aria-label="New invitation">
        <div className="grid-2">
          <div className="field">
            <label htmlFor="invite-role">Invite as</label>
            <select id="invite-role" name="role" defaultValue="member">
              <option value="member">Member</option>
              {cohort.role === 'owner' ? <option value="mentor">Mentor</option> : null}
            </select>
          </div>
          <Field
            label="Uses (empty: any number)"
            name="maxUses"
            type="number"
            min={1}
            max={10000}
            error={create.error}
          />
        </div>
        <Field
          label="Also mail it to (optional)"
          name="email"
          type="email"
          error={create.error}
          hint="The link works for 14 days."
        />
        <FormError error={create.error} />
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create invitation link'}
        </button>
      </form>
      {create.data ? <CreatedLink invite={create.data} /> : null}
      {invites.isPending ? <Loading label="Loading invitations…" /> : null}
      <ErrorMessage error={invites.error ?? revoke.error} />
      {invites.data && invites.data.items.length > 0 ? (
        <ul className="sessions invite-list" aria-label="Invitations made">
          {invites.data.items.map((i) => (
            <li key={i.id}>
              <span>
                {i.role === 'mentor' ? 'Mentor' : 'Member'} link{i.email ? ` for ${i.email}` : ''} · {i.uses}
                {i.maxUses ? ` of ${i.maxUses}` : ''} used · {STATE[i.state]}
                {i.state === 'active' ? `, until ${date(i.expiresAt)}` : ''}
              </span>
              {i.state === 'active' ? (
                <button
                  type="button"
                  className="button small secondary"
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate(i.id)}
                >
                  Revoke<span className="visually-hidden"> the link made {date(i.createdAt)}</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
