// Authorization in one place, in the spirit of Outline's server/policies: one small function per
// action × subject, in a table built explicitly (no registration by import). Services ask
// `authorize(actor, action, subject)` before they act; routes only declare whether a caller must
// be signed in (plugins/auth.ts). The actor's role is the one in the database now (the auth
// service reads it with the session; admin operations read it again), never the token's claim.
//
// The rule for what a refusal looks like: a subject the actor may not even see is 404 (no hint
// that it exists); one they may see but not change is 403.
import type { CohortRole, Role } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';

/** Who is acting: a signed-in user with their current role, or nobody. */
export type Actor = { userId: string; role: Role } | null;

export interface RoadmapSubject {
  kind: 'roadmap';
  ownerId: string | null;
  status: 'draft' | 'published' | 'deleted';
}

export interface UserSubject {
  kind: 'user';
  id: string;
}

/** Something a user owns outright (a session, a study-log entry, a note): theirs alone. */
export interface OwnedSubject {
  kind: 'owned';
  userId: string;
}

/** The job queue (its counts, its dead letters): an operator's view. */
export interface QueueSubject {
  kind: 'queue';
}

/** A cohort, as the actor stands in it: their role there, or null when they are not in it. */
export interface CohortSubject {
  kind: 'cohort';
  role: CohortRole | null;
}

/** An Open Badges credential: its learner's; shared ones anyone may see. */
export interface CredentialSubject {
  kind: 'credential';
  userId: string;
  public: boolean;
}

export type Subject =
  RoadmapSubject | UserSubject | OwnedSubject | QueueSubject | CohortSubject | CredentialSubject;

type Rule<S> = (actor: Actor, subject: S) => boolean;

const isAdmin = (actor: Actor) => actor?.role === 'admin';
const isWriter = (actor: Actor) => actor?.role === 'author' || actor?.role === 'admin';
const ownsRoadmap = (actor: Actor, r: RoadmapSubject) =>
  actor !== null && r.ownerId !== null && r.ownerId === actor.userId;

const editsRoadmap: Rule<RoadmapSubject> = (actor, r) =>
  r.status !== 'deleted' && isWriter(actor) && (isAdmin(actor) || ownsRoadmap(actor, r));

export const roadmapRules = {
  /** Published roadmaps are public; drafts are their author's and the admins'. */
  read: (actor, r) =>
    r.status === 'published' || (r.status === 'draft' && (isAdmin(actor) || ownsRoadmap(actor, r))),
  create: (actor) => isWriter(actor),
  update: editsRoadmap,
  publish: editsRoadmap,
  delete: editsRoadmap,
  /** The editable source (?version=draft): whoever may update it. */
  readDraft: editsRoadmap,
  /** The authored source of an old published version (history, diff, restore): its editors. */
  readVersion: editsRoadmap,
  /** A new draft of one's own from a published roadmap (anyone's: what readers see is public). */
  fork: (actor, r) => r.status === 'published' && isWriter(actor),
} satisfies Record<string, Rule<RoadmapSubject>>;

export const userRules = {
  /** That an account exists is no secret to a signed-in user; what it holds is (other rules). */
  read: (actor) => actor !== null,
  /** Listing accounts and changing their roles: admins only. */
  list: (actor) => isAdmin(actor),
  changeRole: (actor) => isAdmin(actor),
} satisfies Record<string, Rule<UserSubject>>;

const owns: Rule<OwnedSubject> = (actor, o) => actor !== null && actor.userId === o.userId;

export const ownedRules = {
  read: owns,
  update: owns,
  delete: owns,
} satisfies Record<string, Rule<OwnedSubject>>;

export const queueRules = {
  /** That there is a queue is no secret (the README says so); what is in it is. */
  read: (actor) => actor !== null,
  /** Counts and failed jobs (whose data names learners), and sending a failed job back: admins. */
  list: (actor) => isAdmin(actor),
  retry: (actor) => isAdmin(actor),
} satisfies Record<string, Rule<QueueSubject>>;

const inCohort = (actor: Actor, c: CohortSubject) => actor !== null && (c.role !== null || isAdmin(actor));
const leadsCohort = (actor: Actor, c: CohortSubject) =>
  actor !== null && (c.role === 'owner' || c.role === 'mentor' || isAdmin(actor));
const ownsCohort = (actor: Actor, c: CohortSubject) =>
  actor !== null && (c.role === 'owner' || isAdmin(actor));

export const cohortRules = {
  /** The cohort, its summary and one's own row: its members (any role) and admins. */
  read: inCohort,
  /** Every admin sees every cohort (the admin list). */
  list: (actor) => isAdmin(actor),
  /** The mentor view: members' rows, the step heatmap, the CSV report, the live feed. */
  viewMembers: leadsCohort,
  /** Inviting members: owners and mentors; inviting mentors: owners. */
  inviteMembers: leadsCohort,
  inviteMentors: ownsCohort,
  /** Seeing invitations and revoking them; revoking one also takes inviteMembers or inviteMentors, by its role. */
  manageInvites: leadsCohort,
  /** A short message by mail to a member. */
  nudge: leadsCohort,
  /** Its name, dates, roadmaps, leaderboard; members' roles; removing members; ownership. */
  update: ownsCohort,
  manageMembers: ownsCohort,
  delete: ownsCohort,
  /** Leaving, and one's own leaderboard choice: any member (an owner hands the cohort on first). */
  leave: (actor, c) => actor !== null && c.role !== null,
} satisfies Record<string, Rule<CohortSubject>>;

const holdsCredential = (actor: Actor, c: CredentialSubject) => actor !== null && actor.userId === c.userId;

export const credentialRules = {
  /** That it exists: its holder, admins, and anyone once it is shared. */
  read: (actor, c) => c.public || holdsCredential(actor, c) || isAdmin(actor),
  /** Sharing it, and the document behind the owner's routes: its holder only. */
  share: holdsCredential,
  /** Revoking it (verification then fails): its holder, or an admin (issued in error, misuse). */
  revoke: (actor, c) => holdsCredential(actor, c) || isAdmin(actor),
} satisfies Record<string, Rule<CredentialSubject>>;

export const POLICIES = {
  roadmap: roadmapRules,
  user: userRules,
  owned: ownedRules,
  queue: queueRules,
  cohort: cohortRules,
  credential: credentialRules,
} as const;

type Policies = typeof POLICIES;
export type Action<S extends Subject> = keyof Policies[S['kind']] & string;

/** Whether `actor` may do `action` to `subject`. */
export function can<S extends Subject>(actor: Actor, action: Action<S>, subject: S): boolean {
  const rules = POLICIES[subject.kind] as unknown as Record<string, Rule<S>>;
  const rule = rules[action];
  if (!rule) throw new Error(`no policy for ${action} on ${subject.kind}`);
  return rule(actor, subject);
}

/**
 * Actions whose refusal is always 404, even when the subject itself is visible: they reach
 * something behind it that only its editors may know of (an old version's source).
 */
const HIDDEN: { [K in Subject['kind']]?: ReadonlySet<string> } = { roadmap: new Set(['readVersion']) };

const NAMES: Record<Subject['kind'], string> = {
  roadmap: 'roadmap',
  user: 'user',
  owned: 'item',
  queue: 'job queue',
  cohort: 'cohort',
  credential: 'credential',
};

/**
 * Throws unless `actor` may do `action` to `subject`: 401 for nobody, 404 when they may not see
 * it, 403 when they may see it but not do this. `notFound` names the missing thing for the 404.
 */
export function authorize<S extends Subject>(
  actor: Actor,
  action: Action<S>,
  subject: S,
  messages: { notFound?: string; forbidden?: string } = {},
): void {
  if (can(actor, action, subject)) return;
  if (actor === null) throw new AppError('unauthorized', 'Sign in first.');
  const visible =
    action !== 'read' &&
    !HIDDEN[subject.kind]?.has(action) &&
    'read' in POLICIES[subject.kind] &&
    can(actor, 'read' as Action<S>, subject);
  if (!visible)
    throw new AppError('not_found', messages.notFound ?? `There is no such ${NAMES[subject.kind]}.`);
  throw new AppError('forbidden', messages.forbidden ?? `You may not ${action} this ${NAMES[subject.kind]}.`);
}
