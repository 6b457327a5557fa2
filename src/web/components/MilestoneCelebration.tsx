// A moment of celebration when a milestone is reached (not when a page merely loads with it
// reached): a dialog that says what the learner can do now, offers the credential Waymark issues
// for it (Credentials.tsx) and the public profile card to share.
import { Award, PartyPopper } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../auth.tsx';
import type { Milestone } from '../progress.ts';
import { DownloadCredential, useCredentials, type Credential } from './Credentials.tsx';

/** Looks for the credential again every 2 s while it is not issued yet, for about half a minute. */
const LOOKS = 15;

/** The credential for this milestone: ready to download, or on its way. */
function CredentialOffer({ roadmapSlug, milestone }: { roadmapSlug: string; milestone: string }) {
  const { status } = useAuth();
  const matches = (c: Credential) => c.roadmapSlug === roadmapSlug && c.milestone === milestone;
  const looks = useRef(0);
  const credentials = useCredentials({
    poll: (list) => !list?.items.some(matches) && ++looks.current < LOOKS,
  });
  if (status !== 'signed-in') {
    return (
      <p>
        <Link to="/signup">Sign up</Link> to earn a signed credential for each milestone you reach.
      </p>
    );
  }
  const credential = credentials.data?.items.find(matches);
  if (!credential) {
    return (
      <p>
        Your credential is being issued — find it in{' '}
        <Link to="/settings#credentials">Settings › Credentials</Link>.
      </p>
    );
  }
  return (
    <>
      <p>
        <Award size={20} aria-hidden="true" /> <strong>Your credential is ready:</strong> “{credential.name}”,
        signed and yours to keep. <Link to="/settings#credentials">See it in Settings › Credentials</Link> to
        share it or add it to LinkedIn.
      </p>
      <div>
        <DownloadCredential credential={credential} />
      </div>
    </>
  );
}

export default function MilestoneCelebration({
  roadmapSlug,
  milestone,
  onClose,
}: {
  roadmapSlug: string;
  milestone: Milestone;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const { user } = useAuth();
  useEffect(() => {
    const el = dialog.current;
    if (el && !el.open) el.showModal();
  }, [milestone]);
  const card =
    user?.publicProfile && user.handle ? `${location.origin}/api/v1/users/${user.handle}/card.svg` : null;
  return (
    <dialog ref={dialog} className="celebration" aria-labelledby="celebration-title" onClose={onClose}>
      {
        <>
          <PartyPopper size={40} aria-hidden="true" className="celebration-icon" />
          <h2 id="celebration-title">Milestone reached: {milestone.title}</h2>
          <div className="prose" dangerouslySetInnerHTML={{ __html: milestone.descriptionHtml }} />
          <div aria-live="polite">
            <CredentialOffer roadmapSlug={roadmapSlug} milestone={milestone.slug} />
          </div>
          {card && user?.handle ? (
            <p>
              Share it: your <Link to={`/u/${user.handle}`}>public profile</Link> and its card{' '}
              <code className="share-url">{card}</code>
            </p>
          ) : (
            <p>
              Want to share it? <Link to="/settings">Make your profile public</Link> and embed your progress
              card.
            </p>
          )}
          <form method="dialog">
            <button type="submit" className="button">
              Keep going
            </button>
          </form>
        </>
      }
    </dialog>
  );
}
