// Credentials: an Open Badges 3.0 `OpenBadgeCredential` for each milestone a learner reaches on a
// roadmap, and one for all of its required steps, signed by the instance (signer.ts).
//
//   when     a step is marked done, the progress event starts `issueDue` for that roadmap after
//            the reply (background.ts; at most every few seconds per learner and roadmap): it
//            reads the summary, and signs and stores a credential for each milestone reached that
//            the learner does not hold yet. Listing one's
//            credentials runs it too, for every roadmap they touched, so a credential whose
//            background run was cut short (a restart) is issued the next time it is looked for.
//            One per learner, roadmap and achievement, ever (a unique index: two instances
//            racing store one, and only the one that stored it says so).
//   says     the milestone of that version of the roadmap, its criteria in words, when it was
//            reached; the learner as a salted hash of their email (Open Badges' IdentityObject),
//            so a verifier who knows the address can check it and nobody else learns it.
//   events   each new credential is a `milestone` event: the live stream and the
//            `milestone.reached` webhook hear it.
//   revoked  by its holder or an admin; verification then fails, and the public URL answers 410.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import type { Background } from '../../infra/background.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { authorize, type Actor, type CredentialSubject } from '../../policies/index.ts';
import type { EventService } from '../events/service.ts';
import type { ProgressService } from '../progress/service.ts';
import type { ProgressSummary } from '../progress/schemas.ts';
import type { UserService } from '../users/service.ts';
import * as repo from './repo.ts';
import type { CredentialSummary, IssuerProfile, VerifiableCredential, VerifyResult } from './schemas.ts';
import { OB_CONTEXT, VC_CONTEXT, type CredentialSigner, type Json } from './signer.ts';

const THROTTLE_MS = 5_000;
const UUID_URN = /^urn:uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** A timestamp as credentials carry them: to the second, in UTC. */
const seconds = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Due {
  achievement: string;
  milestone: string | null;
  name: string;
  description: string;
  narrative: string;
  anchor: string;
  awardedAt: Date;
}

/** What the summary says the learner has reached and does not hold a credential for yet. */
function dueOn(summary: ProgressSummary, roadmap: repo.IssuableRoadmap): Due[] {
  const due: Due[] = [];
  const where = `the roadmap “${roadmap.title}” (version ${roadmap.version}) on Waymark`;
  for (const reached of summary.milestones) {
    const milestone = roadmap.milestones.find((m) => m.slug === reached.slug);
    // Reached with no time: no required step leads to it, so nothing was done to earn it.
    if (!reached.reached || !reached.reachedAt || !milestone) continue;
    if (roadmap.issued.includes(`milestone:${milestone.slug}`)) continue;
    due.push({
      achievement: `milestone:${milestone.slug}`,
      milestone: milestone.slug,
      name: `${milestone.title} — ${roadmap.title}`,
      description: milestone.description || `A milestone of ${where}.`,
      narrative: `Marked done every required step of ${where} up to and including “${milestone.afterStepTitle}”. Learners mark their own steps.`,
      anchor: `milestone-${milestone.slug}`,
      awardedAt: new Date(reached.reachedAt),
    });
  }
  const finished = summary.requiredCount > 0 && summary.requiredDoneCount === summary.requiredCount;
  if (finished && !roadmap.issued.includes('roadmap')) {
    due.push({
      achievement: 'roadmap',
      milestone: null,
      name: `${roadmap.title}: every required step`,
      description: `Every required step of ${where}.`,
      narrative: `Marked done all ${summary.requiredCount} required steps of ${where}. Learners mark their own steps.`,
      anchor: 'required-steps',
      awardedAt: summary.updatedAt ? new Date(summary.updatedAt) : new Date(),
    });
  }
  return due;
}

export function createBadgeService(deps: {
  db: Database;
  signer: CredentialSigner;
  progress: Pick<ProgressService, 'summary' | 'touchedRoadmaps'>;
  users: UserService;
  events: EventService;
  background: Background;
  publicUrl: string;
  issuerName: string;
  now?: () => Date;
}) {
  const { db, signer } = deps;
  const now = deps.now ?? (() => new Date());
  const issuer = { id: signer.did, type: ['Profile'], name: deps.issuerName, url: deps.publicUrl };
  const publicUrlOf = (id: string) => `${deps.publicUrl}/api/v1/credentials/${id}`;

  const toSummary = (row: repo.CredentialRow): CredentialSummary => ({
    id: row.id,
    name: row.name,
    roadmapSlug: row.roadmapSlug,
    roadmapTitle: row.roadmapTitle,
    milestone: row.achievement.startsWith('milestone:') ? row.achievement.slice('milestone:'.length) : null,
    issuedAt: row.issuedAt.toISOString(),
    public: row.public,
    url: publicUrlOf(row.id),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  });

  function subjectOf(row: repo.CredentialRow): CredentialSubject {
    return { kind: 'credential', userId: row.userId, public: row.public };
  }

  async function found(id: string): Promise<repo.CredentialRow> {
    const row = await repo.find(db.primary, id);
    if (!row) throw notFound('There is no such credential.');
    return row;
  }

  /** The learner as Open Badges' IdentityObject: a salted hash of their email, once they confirmed it. */
  function identifierOf(email: string, verified: boolean) {
    if (!verified) return {};
    const salt = randomBytes(16).toString('hex');
    const identityHash = `sha256$${createHash('sha256')
      .update(email.toLowerCase() + salt)
      .digest('hex')}`;
    return {
      identifier: [
        { type: 'IdentityObject', identityType: 'emailAddress', hashed: true, identityHash, salt },
      ],
    };
  }

  async function issue(
    userId: string,
    learner: { email: string; verified: boolean },
    roadmap: repo.IssuableRoadmap,
    due: Due,
  ) {
    const id = randomUUID();
    const issuedAt = now();
    const credential: Json = {
      '@context': [VC_CONTEXT, OB_CONTEXT],
      id: `urn:uuid:${id}`,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer,
      validFrom: seconds(issuedAt),
      awardedDate: seconds(due.awardedAt),
      name: due.name,
      credentialSubject: {
        type: ['AchievementSubject'],
        ...identifierOf(learner.email, learner.verified),
        achievement: {
          id: `${deps.publicUrl}/roadmaps/${roadmap.slug}#${due.anchor}`,
          type: ['Achievement'],
          achievementType: 'Badge',
          name: due.name,
          description: due.description,
          criteria: { narrative: due.narrative },
          version: String(roadmap.version),
          creator: issuer,
        },
      },
    };
    const document = await signer.sign(credential);
    const stored = await repo.insert(db.primary, {
      id,
      userId,
      roadmapId: roadmap.id,
      achievement: due.achievement,
      name: due.name,
      document,
      issuedAt,
    });
    if (!stored) return; // another request or instance issued it first
    await deps.events.publish(userId, 'milestone', {
      roadmapSlug: roadmap.slug,
      milestone: due.milestone,
      name: due.name,
      reachedAt: due.awardedAt.toISOString(),
      credentialId: id,
    });
  }

  /**
   * One run at a time per learner and roadmap in this process. A call while one runs asks for
   * one more after it (the running one may have read the progress before the caller's write), so
   * a burst of writes costs at most two runs, and every caller's write is seen by a run that
   * started after it.
   */
  const runs = new Map<string, { done: Promise<void>; again: Promise<void> | undefined }>();
  async function issueDueNow(userId: string, roadmapSlug: string): Promise<void> {
    const roadmap = await repo.issuable(db.primary, userId, roadmapSlug);
    if (!roadmap) return;
    const due = dueOn(await deps.progress.summary(userId, roadmapSlug), roadmap);
    if (due.length === 0) return;
    const user = await deps.users.get(userId);
    const learner = { email: user.email, verified: user.emailVerifiedAt !== null };
    for (const one of due) await issue(userId, learner, roadmap, one);
  }

  /**
   * After a step is marked done: a run now, then at most one more per THROTTLE_MS for that
   * learner and roadmap, at the end of the window, when more steps were marked meanwhile. A
   * learner ticking steps one after another costs a summary query every few seconds, not one per
   * tick (the progress PUT stays as cheap as the upsert it makes); the celebration's own look at
   * /me/credentials issues at once anyway.
   */
  const windows = new Map<string, { pending: boolean; timer: NodeJS.Timeout }>();
  function openWindow(key: string, userId: string, roadmapSlug: string) {
    deps.background.run('credentials', () => service.issueDue(userId, roadmapSlug));
    const window = {
      pending: false,
      timer: setTimeout(() => {
        windows.delete(key);
        if (window.pending) openWindow(key, userId, roadmapSlug);
      }, THROTTLE_MS).unref(),
    };
    windows.set(key, window);
  }

  const service = {
    /** A step was marked done: issue what it earned, soon (see `windows`). */
    stepDone(userId: string, roadmapSlug: string): void {
      const key = `${userId}:${roadmapSlug}`;
      const window = windows.get(key);
      if (window) window.pending = true;
      else openWindow(key, userId, roadmapSlug);
    },

    /** Forgets the pending runs (shutdown): the next listing issues what they would have. */
    stop(): void {
      for (const window of windows.values()) clearTimeout(window.timer);
      windows.clear();
    },

    /** Issues the credentials the learner has earned on a roadmap and does not hold yet. */
    issueDue(userId: string, roadmapSlug: string): Promise<void> {
      const key = `${userId}:${roadmapSlug}`;
      const current = runs.get(key);
      if (current) {
        current.again ??= current.done.catch(() => {}).then(() => service.issueDue(userId, roadmapSlug));
        return current.again;
      }
      const run = { done: issueDueNow(userId, roadmapSlug), again: undefined };
      runs.set(key, run);
      run.done.then(
        () => runs.delete(key),
        () => runs.delete(key),
      );
      return run.done;
    },

    async list(userId: string): Promise<{ items: CredentialSummary[] }> {
      for (const slug of await deps.progress.touchedRoadmaps(userId)) await service.issueDue(userId, slug);
      return { items: (await repo.listFor(db.primary, userId)).map(toSummary) };
    },

    /** The signed document, to its holder. */
    async document(actor: Actor, id: string): Promise<VerifiableCredential> {
      const row = await found(id);
      authorize(actor, 'share', subjectOf(row), { notFound: 'You have no such credential.' });
      return row.document as VerifiableCredential;
    },

    async share(actor: Actor, id: string, shared: boolean): Promise<CredentialSummary> {
      const row = await found(id);
      authorize(actor, 'share', subjectOf(row), { notFound: 'You have no such credential.' });
      if (shared && row.revokedAt) {
        throw new AppError('conflict', 'This credential was revoked, so it can no longer be shared.');
      }
      await repo.setPublic(db.primary, id, shared);
      return toSummary({ ...row, public: shared });
    },

    async revoke(actor: Actor, id: string, reason: string | undefined): Promise<CredentialSummary> {
      const row = await found(id);
      authorize(actor, 'revoke', subjectOf(row));
      await repo.revoke(db.primary, id, now(), reason ?? null);
      return toSummary((await repo.find(db.primary, id))!);
    },

    /** A shared credential, to anyone: 404 unless shared, 410 once revoked. */
    async publicDocument(id: string): Promise<VerifiableCredential> {
      const row = await repo.find(db.primary, id);
      if (!row || !row.public) throw notFound('There is no such shared credential.');
      if (row.revokedAt) {
        throw new AppError(
          'gone',
          `This credential was revoked on ${row.revokedAt.toISOString().slice(0, 10)}.`,
        );
      }
      return row.document as VerifiableCredential;
    },

    /** The shared, standing credentials of a learner (their public profile). */
    async publicFor(userId: string) {
      return (await repo.publicFor(db.replica, userId)).map((row) => ({
        id: row.id,
        name: row.name,
        roadmapSlug: row.roadmapSlug,
        issuedAt: row.issuedAt.toISOString(),
        url: publicUrlOf(row.id),
      }));
    },

    /**
     * Checks a credential offered by anyone: this instance's signature over it (offline), then
     * whether it has been revoked. Credentials of other issuers are refused, not fetched.
     */
    async verify(credential: Json): Promise<VerifyResult> {
      const result: VerifyResult = { verified: false, errors: [], credentialId: null, revokedAt: null };
      const proofs = [credential.proof].flat() as Array<{ verificationMethod?: unknown } | undefined>;
      // Ours carry one proof; each more would cost the verifier a canonicalization of the whole.
      if (proofs.length > 1)
        return { ...result, errors: ['It has more than one proof; Waymark signs with one.'] };
      const method = proofs.find((p) => typeof p?.verificationMethod === 'string')?.verificationMethod as
        string | undefined;
      if (!method)
        return { ...result, errors: ['It has no proof with a verificationMethod: it is not signed.'] };
      if (!method.startsWith(`${signer.did}#`)) {
        return {
          ...result,
          errors: [
            `It is signed by ${method.split('#')[0]}, not by this Waymark (${signer.did}); only this instance's credentials are checked here.`,
          ],
        };
      }
      if (method !== (await signer.keyId())) {
        return { ...result, errors: [`It is signed with a key this instance no longer uses (${method}).`] };
      }
      const checked = await signer.verify(credential);
      const id = typeof credential.id === 'string' ? UUID_URN.exec(credential.id)?.[1] : undefined;
      const row = checked.verified && id ? await repo.find(db.primary, id.toLowerCase()) : undefined;
      if (row?.revokedAt) {
        const why = row.revokedReason ? `: ${row.revokedReason}` : '.';
        return {
          verified: false,
          errors: [`It was revoked on ${row.revokedAt.toISOString()}${why}`],
          credentialId: row.id,
          revokedAt: row.revokedAt.toISOString(),
        };
      }
      if (checked.verified && !row) {
        return {
          ...result,
          errors: [
            'Signed by this Waymark, but it no longer holds it (its holder deleted their account), so it cannot say it still stands.',
          ],
        };
      }
      return { ...checked, credentialId: row?.id ?? null, revokedAt: null };
    },

    async issuer(): Promise<IssuerProfile> {
      const document = await signer.didDocument();
      return {
        ...issuer,
        didDocument: `${new URL(deps.publicUrl).origin}/.well-known/did.json`,
        verificationMethod: document.verificationMethod as IssuerProfile['verificationMethod'],
      };
    },

    didDocument: () => signer.didDocument(),

    /** Every credential of the learner, documents included, for the export. */
    async exportRows(userId: string) {
      return (await repo.listFor(db.primary, userId)).map((row) => ({
        ...toSummary(row),
        revokedReason: row.revokedReason,
        document: row.document as VerifiableCredential,
      }));
    },
  };
  return service;
}

export type BadgeService = ReturnType<typeof createBadgeService>;
