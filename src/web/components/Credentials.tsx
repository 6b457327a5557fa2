// Settings → credentials: the Open Badges 3.0 credentials Waymark issued the learner, one for each
// milestone reached and one for all of a roadmap's required steps. Each can be shared (anyone with
// its link may fetch it, and it shows on the public profile), downloaded as the signed JSON,
// added to LinkedIn once shared, checked against the server's verifier, and revoked for good.
// The milestone celebration links here (/settings#credentials) and offers the same download.
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { Award, Download, ShieldCheck } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, call, client, NetworkError, type Schemas } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { Loading } from './common.tsx';

export type Credential = Schemas['CredentialSummary'];
type Document = Schemas['VerifiableCredential'];
type CredentialList = Schemas['CredentialList'];

export const credentialKeys = {
  list: ['me', 'credentials'] as const,
  document: (id: string) => ['me', 'credentials', id, 'document'] as const,
};

/** The learner's credentials (listing them also issues any that are due). */
export function useCredentials(
  options: { enabled?: boolean; poll?: (list?: CredentialList) => boolean } = {},
) {
  const { status } = useAuth();
  const poll = options.poll;
  return useQuery({
    queryKey: credentialKeys.list,
    queryFn: () => call(() => client.GET('/api/v1/me/credentials')),
    enabled: status === 'signed-in' && (options.enabled ?? true),
    // Reaching a milestone anywhere issues one: always ask again when a view of them opens.
    staleTime: 0,
    refetchInterval: poll ? (query) => (poll(query.state.data) ? 2_000 : false) : undefined,
  });
}

/** The signed credential (it never changes once issued, so it is fetched once). */
const documentOf = (queryClient: QueryClient, id: string) =>
  queryClient.fetchQuery({
    queryKey: credentialKeys.document(id),
    queryFn: () => call(() => client.GET('/api/v1/me/credentials/{id}', { params: { path: { id } } })),
    staleTime: Infinity,
  });

/** `<roadmap>-<milestone>.json`, or `<roadmap>-required-steps.json` for the whole roadmap. */
export const fileNameOf = (c: Credential) => `${c.roadmapSlug}-${c.milestone ?? 'required-steps'}.json`;

const day = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso));

/** What went wrong, and what to do about it. */
function problemText(error: unknown, doing: string): string {
  if (error instanceof NetworkError) return `Could not ${doing}: ${error.message}`;
  const why =
    error instanceof ApiError
      ? (error.problem.detail ?? error.problem.title)
      : error instanceof Error
        ? error.message
        : 'something went wrong';
  if (error instanceof ApiError && error.status === 404)
    return `Could not ${doing}: ${why} Reload the page to see your credentials as they are now.`;
  return `Could not ${doing}: ${why} Try again in a moment; if it keeps failing, reload the page.`;
}

function Problem({ error, doing }: { error: unknown; doing: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {problemText(error, doing)}
    </p>
  );
}

/** The credential's signed JSON, saved as a file through a Blob link. */
export function DownloadCredential({
  credential,
  describedBy,
}: {
  credential: Credential;
  describedBy?: string;
}) {
  const queryClient = useQueryClient();
  const download = useMutation({
    mutationFn: async () => {
      const doc = await documentOf(queryClient, credential.id);
      const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = fileNameOf(credential);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    },
  });
  return (
    <>
      <button
        type="button"
        className="button secondary small"
        disabled={download.isPending}
        onClick={() => download.mutate()}
        aria-describedby={describedBy}
      >
        <Download size={16} aria-hidden="true" /> {download.isPending ? 'Downloading…' : 'Download (JSON)'}
      </button>
      <Problem error={download.error} doing="download the credential" />
    </>
  );
}

/** LinkedIn's "Add license or certification" form, filled in with this credential. */
export function linkedInUrl(c: Credential): string {
  const issued = new Date(c.issuedAt);
  const params = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: c.name,
    organizationName: 'Waymark',
    issueYear: String(issued.getFullYear()),
    issueMonth: String(issued.getMonth() + 1),
    certUrl: c.url,
    certId: c.id,
  });
  return `https://www.linkedin.com/profile/add?${params.toString()}`;
}

/** The issuer a credential names: its name and did:web. */
function issuerOf(doc: Document): string {
  const { name, id } = doc.issuer as { name?: unknown; id: string };
  return typeof name === 'string' && name ? `${name} (${id})` : id;
}

function CredentialItem({
  credential: c,
  profilePublic,
}: {
  credential: Credential;
  profilePublic: boolean;
}) {
  const queryClient = useQueryClient();
  const nameId = `credential-${c.id}-name`;
  const revoked = c.revokedAt !== null;
  const update = (next: Credential) =>
    queryClient.setQueryData<CredentialList>(credentialKeys.list, (list) =>
      list ? { items: list.items.map((x) => (x.id === next.id ? next : x)) } : list,
    );
  // The box follows the click at once, until the list says what the server made of it (or goes
  // back if the server refuses).
  const [wanted, setWanted] = useState<{ value: boolean; from: boolean } | null>(null);
  if (wanted && c.public !== wanted.from) setWanted(null);
  const shown = wanted?.value ?? c.public;
  const share = useMutation({
    mutationFn: (shared: boolean) =>
      call(() =>
        client.PATCH('/api/v1/me/credentials/{id}', {
          params: { path: { id: c.id } },
          body: { public: shared },
        }),
      ),
    onError: () => setWanted(null),
    onSuccess: update,
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialKeys.list }),
  });
  const check = useMutation({
    mutationFn: async () => {
      const doc = await documentOf(queryClient, c.id);
      const result = await call(() => client.POST('/api/v1/credentials/verify', { body: doc }));
      return { result, issuer: issuerOf(doc) };
    },
  });
  const revoke = useMutation({
    mutationFn: () =>
      call(() =>
        client.POST('/api/v1/credentials/{id}/revoke', { params: { path: { id: c.id } }, body: {} }),
      ),
    onSuccess: (next) => {
      update(next);
      check.reset();
      share.reset();
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialKeys.list }),
  });
  const checked = check.data;

  return (
    <li>
      <div>
        <strong id={nameId}>
          <Award size={16} aria-hidden="true" /> {c.name}
        </strong>{' '}
        {revoked ? <span className="badge">Revoked</span> : null}
        <p className="hint">
          <Link to={`/roadmaps/${c.roadmapSlug}`}>{c.roadmapTitle}</Link> · issued {day(c.issuedAt)}
          {revoked ? ` · revoked ${day(c.revokedAt!)}` : null}
        </p>
        {revoked ? (
          <p className="hint">Revoked for good: it no longer verifies, and its link says so.</p>
        ) : (
          <>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={shown}
                disabled={share.isPending}
                onChange={(e) => {
                  setWanted({ value: e.target.checked, from: c.public });
                  share.mutate(e.target.checked);
                }}
                aria-describedby={nameId}
              />{' '}
              Share publicly
            </label>
            <p className="hint">
              {c.public ? (
                <>
                  Shared: anyone with its link can fetch it
                  {profilePublic
                    ? ', and it shows on your public profile.'
                    : '. Make your profile public above to show it there too.'}{' '}
                  Its link: <code className="webhook-url">{c.url}</code>
                </>
              ) : (
                'Only you can see it. Share it to give its link to others or to show it on your public profile.'
              )}
            </p>
          </>
        )}
      </div>
      <div className="row">
        <DownloadCredential credential={c} describedBy={nameId} />
        <button
          type="button"
          className="button secondary small"
          disabled={check.isPending}
          onClick={() => check.mutate()}
          aria-describedby={nameId}
        >
          <ShieldCheck size={16} aria-hidden="true" /> {check.isPending ? 'Checking…' : 'Check it'}
        </button>
        {!revoked ? (
          <button
            type="button"
            className="button secondary small"
            disabled={revoke.isPending}
            aria-describedby={nameId}
            onClick={() => {
              if (
                window.confirm(
                  `Revoke “${c.name}”? It stops verifying at once, its public link says it was revoked, and Waymark never issues it again. This cannot be undone.`,
                )
              )
                revoke.mutate();
            }}
          >
            {revoke.isPending ? 'Revoking…' : 'Revoke'}
          </button>
        ) : null}
      </div>
      {!revoked ? (
        c.public ? (
          <p>
            <a href={linkedInUrl(c)} target="_blank" rel="noreferrer" aria-describedby={nameId}>
              Add to LinkedIn<span className="visually-hidden"> (opens in a new tab)</span>
            </a>
          </p>
        ) : (
          <p className="hint">Share it first to add it to LinkedIn.</p>
        )
      ) : null}
      {share.isSuccess ? (
        <p role="status">
          {share.data.public
            ? 'Shared: anyone with its link can now fetch and check it.'
            : 'No longer shared: its link answers “not found” to others.'}
        </p>
      ) : null}
      {revoke.isSuccess ? <p role="status">Revoked: it no longer verifies.</p> : null}
      {checked ? (
        checked.result.verified ? (
          <p role="status">Verified: signed by {checked.issuer}.</p>
        ) : (
          <p className="error" role="alert">
            Not verified: {checked.result.errors.join(' ')}
            {revoked
              ? ' A revoked credential stays revoked.'
              : ' Download it again: the copy Waymark keeps is the one that verifies.'}
          </p>
        )
      ) : null}
      <Problem error={share.error} doing={share.variables ? 'share it' : 'stop sharing it'} />
      <Problem error={check.error} doing="check the credential" />
      <Problem error={revoke.error} doing="revoke the credential" />
    </li>
  );
}

export function Credentials() {
  const { user } = useAuth();
  const credentials = useCredentials();
  // The celebration links to /settings#credentials: the section is not on the page yet when the
  // browser looks for it, so go there once the list is in.
  const section = useRef<HTMLElement>(null);
  const listed = credentials.isSuccess;
  useEffect(() => {
    if (listed && location.hash === '#credentials') section.current?.scrollIntoView();
  }, [listed]);
  const items = credentials.data?.items;

  return (
    <section className="panel" id="credentials" aria-labelledby="credentials-title" ref={section}>
      <h2 id="credentials-title">Credentials</h2>
      <p>
        Waymark issues you a signed <a href="https://www.imsglobal.org/spec/ob/v3p0/">Open Badges 3.0</a>{' '}
        credential for each milestone you reach and for finishing a roadmap’s required steps. Download it to
        keep it, share it to show it on your profile or LinkedIn, and anyone can check that Waymark signed it.
      </p>
      {credentials.isPending ? <Loading label="Loading your credentials…" /> : null}
      <Problem error={credentials.error} doing="load your credentials" />
      {items && items.length === 0 ? (
        <p>
          You have no credentials yet. Reach a milestone on a roadmap to earn your first credential:{' '}
          <Link to="/">choose a roadmap</Link>.
        </p>
      ) : null}
      {items && items.length > 0 ? (
        <ul className="sessions webhooks" aria-labelledby="credentials-title">
          {items.map((c) => (
            <CredentialItem key={c.id} credential={c} profilePublic={user?.publicProfile ?? false} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
