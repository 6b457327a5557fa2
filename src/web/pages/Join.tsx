// The page an invitation link opens (/join?token=…): which cohort it is, who runs it, the role it
// gives, and — before anyone consents — exactly what joining shares with the owner and mentors
// and what it never shares. Joining takes a signed-in learner; the sign-in comes back here.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Check, EyeOff } from 'lucide-react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError, call, client } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { ErrorMessage, Loading, usePageMeta } from '../components/common.tsx';

export default function Join() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { status } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const preview = useQuery({
    queryKey: ['cohort-invite', token, status],
    enabled: token !== '' && status !== 'loading',
    queryFn: () => call(() => client.GET('/api/v1/cohorts/join', { params: { query: { token } } })),
  });
  const join = useMutation({
    mutationFn: () => call(() => client.POST('/api/v1/cohorts/join', { body: { token } })),
    onSuccess: (joined) => {
      void queryClient.invalidateQueries({ queryKey: ['cohorts'] });
      navigate(`/cohorts/${joined.cohortId}`, { state: { notice: 'You joined the cohort.' } });
    },
  });
  usePageMeta(preview.data ? `Join ${preview.data.name}` : 'Join a cohort');

  if (!token) return <Navigate to="/cohorts" replace />;
  if (status === 'loading' || preview.isPending) return <Loading label="Opening the invitation…" />;
  if (preview.error) {
    const gone = preview.error instanceof ApiError && preview.error.status === 410;
    const unknown = preview.error instanceof ApiError && [400, 404].includes(preview.error.status);
    return (
      <section className="narrow page-error">
        <h1>{gone ? 'This invitation has ended' : 'Invitation not found'}</h1>
        {gone || unknown ? (
          <p>
            {gone
              ? 'It was revoked, expired or used up.'
              : 'The link may be cut short or mistyped; copy it again from the message you got.'}{' '}
            Ask whoever invited you for a new link.
          </p>
        ) : (
          <ErrorMessage error={preview.error} />
        )}
        <p>
          <Link to="/cohorts">Your cohorts</Link>
        </p>
      </section>
    );
  }
  const p = preview.data;
  const here = `/join?token=${encodeURIComponent(token)}`;
  return (
    <section className="narrow join" aria-labelledby="join-title">
      <p className="eyebrow">
        Invitation from {p.ownerName} · as a {p.role}
      </p>
      <h1 id="join-title">Join {p.name}</h1>
      {p.description ? <p>{p.description}</p> : null}
      <p>
        Follows{' '}
        {p.roadmaps.map((r, i) => (
          <span key={r.slug}>
            {i > 0 ? ', ' : ''}
            <Link to={`/roadmaps/${r.slug}`}>{r.title}</Link> ({r.stepCount} steps)
          </span>
        ))}
        {p.endsOn ? `, until ${p.endsOn}` : ''}.
      </p>
      <div className="grid-2">
        <div className="panel">
          <h2>What the owner and mentors see</h2>
          <ul className="consent-list">
            {p.mentorsSee.map((item) => (
              <li key={item}>
                <Check size={16} aria-hidden="true" /> {item}
              </li>
            ))}
          </ul>
        </div>
        <div className="panel">
          <h2>What is never shared</h2>
          <ul className="consent-list">
            {p.neverShared.map((item) => (
              <li key={item}>
                <EyeOff size={16} aria-hidden="true" /> {item}
              </li>
            ))}
          </ul>
        </div>
      </div>
      {p.alreadyMember ? (
        <p>
          You are already in this cohort as a {p.alreadyMember}.{' '}
          <Link to={`/cohorts/${p.cohortId}`} className="button">
            Open the cohort
          </Link>
        </p>
      ) : status === 'signed-in' ? (
        <>
          <p className="hint">You can leave at any time from the cohort’s page; your progress stays yours.</p>
          <ErrorMessage error={join.error} />
          <button type="button" className="button" disabled={join.isPending} onClick={() => join.mutate()}>
            {join.isPending ? 'Joining…' : `Join ${p.name}`}
          </button>
        </>
      ) : (
        <p>
          <Link to={`/login?next=${encodeURIComponent(here)}`} className="button">
            Sign in to join
          </Link>{' '}
          or <Link to={`/signup?next=${encodeURIComponent(here)}`}>create an account</Link> — you come back
          here to confirm.
        </p>
      )}
    </section>
  );
}
