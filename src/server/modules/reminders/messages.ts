// What reminders and digests say: plain functions of the numbers, so the wording is tested on
// its own. Mail has a plain-text and an HTML part; the HTML has no remote images, scripts or
// stylesheets (inline styles only), so it reads the same in any mail client.
import { escapeUTF8 as escapeHtml } from 'entities';

export interface ReminderFacts {
  todayMinutes: number;
  goalMinutes: number;
  currentStreak: number;
  nextStep: string | null;
}

/** "12 of 30 minutes today — your 9-day streak continues with 18 more. Next step: REST APIs." */
export function reminderText(facts: ReminderFacts): string {
  const left = Math.max(0, facts.goalMinutes - facts.todayMinutes);
  const streak =
    facts.currentStreak > 0
      ? `your ${facts.currentStreak}-day streak continues with ${left} more.`
      : `${left} more and today starts a streak.`;
  const next = facts.nextStep ? ` Next step: ${facts.nextStep}.` : '';
  return `${facts.todayMinutes} of ${facts.goalMinutes} minutes today — ${streak}${next}`;
}

export interface DigestFacts {
  displayName: string;
  /** The seven local days the digest covers, first and last. */
  from: string;
  to: string;
  weekMinutes: number;
  goalMinutes: number;
  daysMet: number;
  currentStreak: number;
  freezesHeld: number;
  stepsDone: number;
  milestones: string[];
  reviewsDue: number;
  /** "at this pace you finish around …", for the roadmap last worked on. */
  forecast: { roadmapTitle: string; projectedFinish: string | null } | null;
}

export interface MailBody {
  subject: string;
  text: string;
  html: string;
}

function digestLines(f: DigestFacts): string[] {
  const lines = [
    `${f.weekMinutes} of ${f.goalMinutes * 7} minutes (your goal of ${f.goalMinutes} a day, 7 days).`,
    `${f.daysMet} of 7 days met. Streak: ${f.currentStreak} day${f.currentStreak === 1 ? '' : 's'}, ${f.freezesHeld} freeze${f.freezesHeld === 1 ? '' : 's'} held.`,
    `${f.stepsDone} step${f.stepsDone === 1 ? '' : 's'} done.`,
  ];
  if (f.milestones.length > 0) lines.push(`Milestones reached: ${f.milestones.join(', ')}.`);
  lines.push(
    f.reviewsDue > 0 ? `${f.reviewsDue} review${f.reviewsDue === 1 ? '' : 's'} due.` : 'No reviews due.',
  );
  if (f.forecast) {
    lines.push(
      f.forecast.projectedFinish
        ? `${f.forecast.roadmapTitle}: at this pace you finish around ${f.forecast.projectedFinish}.`
        : `${f.forecast.roadmapTitle}: log some study time and Waymark can tell you when you will finish.`,
    );
  }
  return lines;
}

export function digestMail(f: DigestFacts, links: { dashboard: string; unsubscribe: string }): MailBody {
  const lines = digestLines(f);
  const subject = `Your week on Waymark: ${f.weekMinutes} minutes, ${f.daysMet} of 7 days`;
  const text = [
    `Hello ${f.displayName},`,
    '',
    `Your week, ${f.from} to ${f.to}:`,
    '',
    ...lines.map((l) => `- ${l}`),
    '',
    `Carry on: ${links.dashboard}`,
    '',
    `No more weekly digests: ${links.unsubscribe}`,
  ].join('\n');
  const html = htmlMail(
    `<p>Hello ${escapeHtml(f.displayName)},</p>
<p>Your week, ${escapeHtml(f.from)} to ${escapeHtml(f.to)}:</p>
<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
<p><a href="${escapeHtml(links.dashboard)}">Carry on where you left off</a></p>`,
    links.unsubscribe,
    'weekly digests',
  );
  return { subject, text, html };
}

export function reminderMail(
  facts: ReminderFacts & { displayName: string },
  links: { dashboard: string; unsubscribe: string },
): MailBody {
  const line = reminderText(facts);
  const subject = `${Math.max(0, facts.goalMinutes - facts.todayMinutes)} minutes to today's goal`;
  const text = [
    `Hello ${facts.displayName},`,
    '',
    line,
    '',
    `Study now: ${links.dashboard}`,
    '',
    `No more reminder mails: ${links.unsubscribe}`,
  ].join('\n');
  const html = htmlMail(
    `<p>Hello ${escapeHtml(facts.displayName)},</p>
<p>${escapeHtml(line)}</p>
<p><a href="${escapeHtml(links.dashboard)}">Study now</a></p>`,
    links.unsubscribe,
    'reminder mails',
  );
  return { subject, text, html };
}

function htmlMail(body: string, unsubscribe: string, what: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Waymark</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2328; max-width: 36em; margin: 0 auto; padding: 1em;">
<p style="font-weight: bold; color: #0b5cad;">Waymark</p>
${body}
<p style="font-size: 0.875em; color: #59636e;">Consistency beats intensity. <a href="${escapeHtml(unsubscribe)}">No more ${what}</a>.</p>
</body></html>`;
}
