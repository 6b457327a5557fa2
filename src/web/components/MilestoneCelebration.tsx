// A moment of celebration when a milestone is reached (not when a page merely loads with it
// reached): a dialog that says what the learner can do now and offers the public profile card
// to share.
import { PartyPopper } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../auth.tsx';
import type { Milestone } from '../progress.ts';

export default function MilestoneCelebration({
  milestone,
  onClose,
}: {
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
