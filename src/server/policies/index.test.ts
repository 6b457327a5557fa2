// The policies as a matrix: every action of every subject for every kind of actor, against the
// answer written out by hand. A change of any rule changes a cell here, on purpose.
import { describe, expect, it } from 'vitest';
import type { AppError } from '../http/errors.ts';
import {
  authorize,
  can,
  POLICIES,
  type Actor,
  type CohortSubject,
  type RoadmapSubject,
  type Subject,
} from './index.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const actors: Record<string, Actor> = {
  anonymous: null,
  learner: { userId: B, role: 'learner' },
  owner: { userId: A, role: 'author' },
  otherAuthor: { userId: B, role: 'author' },
  admin: { userId: B, role: 'admin' },
  // A former author of the roadmap, now a learner: ownership alone does not let them write.
  demotedOwner: { userId: A, role: 'learner' },
};
const ACTORS = Object.keys(actors);

const roadmap = (status: RoadmapSubject['status']): RoadmapSubject => ({
  kind: 'roadmap',
  ownerId: A,
  status,
});
const SIGNED_IN = ACTORS.filter((a) => a !== 'anonymous');
const cohortAs = (role: CohortSubject['role']): CohortSubject => ({ kind: 'cohort', role });
const bundled: RoadmapSubject = { kind: 'roadmap', ownerId: null, status: 'published' };

// Cells: which actors may. Everything not listed may not.
const MATRIX: [string, Subject, string, string[]][] = [
  ['draft of A', roadmap('draft'), 'read', ['owner', 'admin', 'demotedOwner']],
  ['draft of A', roadmap('draft'), 'update', ['owner', 'admin']],
  ['draft of A', roadmap('draft'), 'publish', ['owner', 'admin']],
  ['draft of A', roadmap('draft'), 'delete', ['owner', 'admin']],
  ['draft of A', roadmap('draft'), 'readDraft', ['owner', 'admin']],
  ['published of A', roadmap('published'), 'read', ACTORS],
  ['published of A', roadmap('published'), 'update', ['owner', 'admin']],
  ['published of A', roadmap('published'), 'delete', ['owner', 'admin']],
  ['published of A', roadmap('published'), 'readDraft', ['owner', 'admin']],
  ['published of A', roadmap('published'), 'readVersion', ['owner', 'admin']],
  ['draft of A', roadmap('draft'), 'readVersion', ['owner', 'admin']],
  ['published of A', roadmap('published'), 'fork', ['owner', 'otherAuthor', 'admin']],
  ['draft of A', roadmap('draft'), 'fork', []],
  ['deleted of A', roadmap('deleted'), 'fork', []],
  ['bundled', bundled, 'fork', ['owner', 'otherAuthor', 'admin']],
  ['deleted of A', roadmap('deleted'), 'read', []],
  ['deleted of A', roadmap('deleted'), 'update', []],
  ['bundled', bundled, 'read', ACTORS],
  ['bundled', bundled, 'update', ['admin']],
  ['bundled', bundled, 'publish', ['admin']],
  ['a new roadmap', roadmap('draft'), 'create', ['owner', 'otherAuthor', 'admin']],
  [
    'an account',
    { kind: 'user', id: A },
    'read',
    ['learner', 'owner', 'otherAuthor', 'admin', 'demotedOwner'],
  ],
  ['an account', { kind: 'user', id: A }, 'list', ['admin']],
  ['an account', { kind: 'user', id: A }, 'changeRole', ['admin']],
  ["A's study entry", { kind: 'owned', userId: A }, 'read', ['owner', 'demotedOwner']],
  ["A's study entry", { kind: 'owned', userId: A }, 'update', ['owner', 'demotedOwner']],
  ["A's study entry", { kind: 'owned', userId: A }, 'delete', ['owner', 'demotedOwner']],
  ['the job queue', { kind: 'queue' }, 'read', ACTORS.filter((a) => a !== 'anonymous')],
  ['the job queue', { kind: 'queue' }, 'list', ['admin']],
  ['the job queue', { kind: 'queue' }, 'retry', ['admin']],
  // A cohort as seen by someone outside it, and by its member, mentor and owner (the subject
  // carries the actor's role in the cohort; the site role adds only admin's oversight).
  ['a cohort one is not in', cohortAs(null), 'read', ['admin']],
  ['a cohort one is not in', cohortAs(null), 'list', ['admin']],
  ['a cohort one is not in', cohortAs(null), 'viewMembers', ['admin']],
  ['a cohort one is not in', cohortAs(null), 'inviteMembers', ['admin']],
  ['a cohort one is not in', cohortAs(null), 'inviteMentors', ['admin']],
  ['a cohort one is not in', cohortAs(null), 'manageInvites', ['admin']],
  ['a cohort one is not in', cohortAs(null), 'nudge', ['admin']],
  ['a cohort one is not in', cohortAs(null), 'update', ['admin']],
  ['a cohort one is not in', cohortAs(null), 'manageMembers', ['admin']],
  ['a cohort one is not in', cohortAs(null), 'delete', ['admin']],
  ['a cohort one is not in', cohortAs(null), 'leave', []],
  ["a member's cohort", cohortAs('member'), 'read', SIGNED_IN],
  ["a member's cohort", cohortAs('member'), 'viewMembers', ['admin']],
  ["a member's cohort", cohortAs('member'), 'inviteMembers', ['admin']],
  ["a member's cohort", cohortAs('member'), 'manageInvites', ['admin']],
  ["a member's cohort", cohortAs('member'), 'nudge', ['admin']],
  ["a member's cohort", cohortAs('member'), 'update', ['admin']],
  ["a member's cohort", cohortAs('member'), 'leave', SIGNED_IN],
  ["a mentor's cohort", cohortAs('mentor'), 'viewMembers', SIGNED_IN],
  ["a mentor's cohort", cohortAs('mentor'), 'inviteMembers', SIGNED_IN],
  ["a mentor's cohort", cohortAs('mentor'), 'inviteMentors', ['admin']],
  ["a mentor's cohort", cohortAs('mentor'), 'manageInvites', SIGNED_IN],
  ["a mentor's cohort", cohortAs('mentor'), 'nudge', SIGNED_IN],
  ["a mentor's cohort", cohortAs('mentor'), 'update', ['admin']],
  ["a mentor's cohort", cohortAs('mentor'), 'manageMembers', ['admin']],
  ["a mentor's cohort", cohortAs('mentor'), 'delete', ['admin']],
  ["an owner's cohort", cohortAs('owner'), 'inviteMentors', SIGNED_IN],
  ["an owner's cohort", cohortAs('owner'), 'update', SIGNED_IN],
  ["an owner's cohort", cohortAs('owner'), 'manageMembers', SIGNED_IN],
  ["an owner's cohort", cohortAs('owner'), 'delete', SIGNED_IN],
  ["an owner's cohort", cohortAs('owner'), 'list', ['admin']],
  // A's credential (the owner actor is A): private until A shares it; A or an admin revokes it.
  [
    "A's private credential",
    { kind: 'credential', userId: A, public: false },
    'read',
    ['owner', 'demotedOwner', 'admin'],
  ],
  ["A's shared credential", { kind: 'credential', userId: A, public: true }, 'read', ACTORS],
  [
    "A's shared credential",
    { kind: 'credential', userId: A, public: true },
    'share',
    ['owner', 'demotedOwner'],
  ],
  [
    "A's shared credential",
    { kind: 'credential', userId: A, public: true },
    'revoke',
    ['owner', 'demotedOwner', 'admin'],
  ],
];

describe('the policies', () => {
  it('cover every action of every subject in the matrix', () => {
    const covered = new Set(MATRIX.map(([, subject, action]) => `${subject.kind}:${action}`));
    for (const [kind, rules] of Object.entries(POLICIES)) {
      for (const action of Object.keys(rules))
        expect(covered, `${kind}:${action}`).toContain(`${kind}:${action}`);
    }
  });

  for (const [name, subject, action, allowed] of MATRIX) {
    it(`${action} ${name}: ${allowed.length ? allowed.join(', ') : 'nobody'}`, () => {
      const answers = Object.fromEntries(
        ACTORS.map((who) => [who, can(actors[who]!, action as never, subject as never)]),
      );
      expect(answers).toEqual(Object.fromEntries(ACTORS.map((who) => [who, allowed.includes(who)])));
    });
  }

  it('refuse as 401 for nobody, 404 for what the actor may not see, 403 for what they may see', () => {
    const status = (actor: Actor, action: string, subject: Subject) => {
      try {
        authorize(actor, action as never, subject as never);
        return 200;
      } catch (err) {
        return (err as AppError).status;
      }
    };
    expect(status(null, 'update', roadmap('published'))).toBe(401);
    expect(status(actors.otherAuthor!, 'update', roadmap('draft'))).toBe(404);
    expect(status(actors.otherAuthor!, 'update', roadmap('published'))).toBe(403);
    expect(status(actors.learner!, 'changeRole', { kind: 'user', id: A })).toBe(403);
    expect(status(actors.learner!, 'read', { kind: 'owned', userId: A })).toBe(404);
    expect(status(actors.owner!, 'update', roadmap('published'))).toBe(200);
    // An old version's source is its editors' alone: refused as if it did not exist.
    expect(status(actors.otherAuthor!, 'readVersion', roadmap('published'))).toBe(404);
    expect(status(actors.learner!, 'fork', roadmap('published'))).toBe(403);
    // Another cohort is not there at all; one's own cohort's mentor view is refused openly.
    expect(status(actors.learner!, 'viewMembers', cohortAs(null))).toBe(404);
    expect(status(actors.learner!, 'viewMembers', cohortAs('member'))).toBe(403);
  });

  it('throws on an action no policy names (a typo is a bug, not a refusal)', () => {
    expect(() => can(actors.admin!, 'fly' as never, roadmap('draft') as never)).toThrow(/no policy/);
  });
});
