// A step's check questions on its page: try each, then open its answer. Once the step is done,
// the same questions come back on the review page, spaced out (FSRS).
import { Link } from 'react-router';
import type { StepDetail } from '../../api.ts';

export function CheckYourself({ step, signedIn }: { step: StepDetail; signedIn: boolean }) {
  if (step.checks.length === 0) return null;
  return (
    <section aria-labelledby="check-yourself" className="check-yourself">
      <h2 id="check-yourself">Check yourself</h2>
      <ol className="review-checks">
        {step.checks.map((c, i) => (
          <li key={i}>
            <div className="review-question" dangerouslySetInnerHTML={{ __html: c.questionHtml }} />
            <details>
              <summary>Show the answer</summary>
              <div className="review-answer" dangerouslySetInnerHTML={{ __html: c.answerHtml }} />
            </details>
          </li>
        ))}
      </ol>
      <p className="hint">
        {signedIn ? (
          <>
            Mark the step done and these questions come back on your <Link to="/review">review page</Link>,
            spaced out so they stick.
          </>
        ) : (
          <>
            <Link to="/signup">Sign up</Link> and these questions come back for review once the step is done.
          </>
        )}
      </p>
    </section>
  );
}
