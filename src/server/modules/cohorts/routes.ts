// /api/v1/cohorts and /api/v1/me/cohorts: cohorts, their invitations, the mentor view, the report.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, actorOf } from '../../plugins/auth.ts';
import {
  Cohort,
  CohortCreateBody,
  CohortList,
  CohortMember,
  CohortMemberList,
  CohortParams,
  CohortUpdateBody,
  CreatedInvite,
  Heatmap,
  InviteBody,
  InviteList,
  InviteParams,
  InvitePreview,
  JoinBody,
  Joined,
  JoinQuery,
  ListQuery,
  MemberParams,
  MemberQuery,
  MemberUpdateBody,
  NudgeBody,
  NudgeSent,
} from './schemas.ts';
import type { CohortService } from './service.ts';

const tags = ['Cohorts'];
const noContent = { type: 'null', description: 'Done.' } as const;

export const cohortRoutes: FastifyPluginAsyncTypebox<{ service: CohortService }> = async (
  app,
  { service },
) => {
  app.post(
    '/api/v1/cohorts',
    {
      schema: {
        tags,
        summary: 'Create a cohort',
        description:
          'Any signed-in user; you become its owner. Roles inside a cohort are independent of the site role.',
        security: access.signedIn,
        body: CohortCreateBody,
        response: { 201: ref(Cohort), ...problems(400, 401) },
      },
    },
    async (request, reply) => reply.code(201).send(await service.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/v1/cohorts',
    {
      schema: {
        tags,
        summary: 'Every cohort (admins)',
        security: access.signedIn,
        querystring: ListQuery,
        response: { 200: ref(CohortList), ...problems(400, 401, 403) },
      },
    },
    async (request) => service.listAll(actorOf(request), request.query),
  );

  app.get(
    '/api/v1/me/cohorts',
    {
      schema: {
        tags,
        summary: 'Your cohorts',
        description: 'Newest first, with your role in each.',
        security: access.signedIn,
        querystring: ListQuery,
        response: { 200: ref(CohortList), ...problems(400, 401) },
      },
    },
    async (request) => service.listMine(actorOf(request), request.query),
  );

  app.get(
    '/api/v1/cohorts/join',
    {
      schema: {
        tags,
        summary: 'What an invitation leads to',
        description:
          'The cohort, the role it gives and what joining shares with the owner and mentors — shown before anyone consents. Unknown token 404; revoked, expired or used up 410.',
        security: access.optional,
        querystring: JoinQuery,
        response: { 200: ref(InvitePreview), ...problems(400, 401, 404, 410) },
      },
    },
    async (request) => service.previewInvite(actorOf(request), request.query.token),
  );

  app.post(
    '/api/v1/cohorts/join',
    {
      schema: {
        tags,
        summary: 'Join a cohort with an invitation',
        description:
          'Counts one use of the invitation. Joining a cohort you are already in changes nothing and answers your role. Revoked, expired or used up: 410.',
        security: access.signedIn,
        body: JoinBody,
        response: { 200: ref(Joined), ...problems(400, 401, 404, 410) },
      },
    },
    async (request) => service.join(actorOf(request), request.body.token),
  );

  app.get(
    '/api/v1/cohorts/:id',
    {
      schema: {
        tags,
        summary: 'A cohort with its summary',
        description:
          'Its members (any role) and admins; anyone else 404. `me` is your own row; `standings` the opted-in members when the owner turned the leaderboard on.',
        security: access.signedIn,
        params: CohortParams,
        response: { 200: ref(Cohort), ...problems(400, 401, 404) },
      },
    },
    async (request) => service.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/cohorts/:id',
    {
      schema: {
        tags,
        summary: 'Change a cohort',
        security: access.signedIn,
        params: CohortParams,
        body: CohortUpdateBody,
        response: { 200: ref(Cohort), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => service.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/v1/cohorts/:id',
    {
      schema: {
        tags,
        summary: 'Delete a cohort',
        description:
          "Its owner (or an admin). Memberships and invitations go; every member's own progress stays.",
        security: access.signedIn,
        params: CohortParams,
        response: { 204: noContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await service.remove(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/cohorts/:id/invites',
    {
      schema: {
        tags,
        summary: 'Invite people',
        description:
          'A link with a token shown once. Owners invite mentors and members; mentors invite members. With `email`, the link is mailed too.',
        security: access.signedIn,
        params: CohortParams,
        body: InviteBody,
        response: { 201: ref(CreatedInvite), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createInvite(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/cohorts/:id/invites',
    {
      schema: {
        tags,
        summary: "A cohort's invitations",
        description: 'Newest first, with uses and state; never their tokens.',
        security: access.signedIn,
        params: CohortParams,
        response: { 200: ref(InviteList), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => service.listInvites(actorOf(request), request.params.id),
  );

  app.delete(
    '/api/v1/cohorts/:id/invites/:inviteId',
    {
      schema: {
        tags,
        summary: 'Revoke an invitation',
        security: access.signedIn,
        params: InviteParams,
        response: { 204: noContent, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await service.revokeInvite(actorOf(request), request.params.id, request.params.inviteId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/cohorts/:id/members',
    {
      schema: {
        tags,
        summary: 'The mentor view',
        description:
          'Each person in the cohort with their progress on its roadmaps, streak, minutes over 7 days and whether they are stuck. Owners, mentors and admins; members 403. One SQL statement per page.',
        security: access.signedIn,
        params: CohortParams,
        querystring: MemberQuery,
        response: { 200: ref(CohortMemberList), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => service.members(actorOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/v1/cohorts/:id/heatmap',
    {
      schema: {
        tags,
        summary: 'Where the cohort gets stuck',
        description:
          "For each step of the cohort's roadmaps, how many members have done it and how many are on it.",
        security: access.signedIn,
        params: CohortParams,
        response: { 200: ref(Heatmap), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => service.heatmap(actorOf(request), request.params.id),
  );

  app.get(
    '/api/v1/cohorts/:id/report.csv',
    {
      schema: {
        tags,
        summary: 'The report (CSV)',
        description:
          'One row per member × roadmap; RFC 4180, UTF-8 with a byte-order mark so that spreadsheets open it. Owners, mentors and admins.',
        security: access.signedIn,
        params: CohortParams,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'text/csv' }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { filename, csv } = await service.report(actorOf(request), request.params.id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'private, no-store')
        .send(csv);
    },
  );

  app.patch(
    '/api/v1/cohorts/:id/members/:userId',
    {
      schema: {
        tags,
        summary: "Change a member's role, or your leaderboard choice",
        description:
          '`role` (owners): `mentor`, `member`, or `owner` to hand the cohort over (you stay on as a mentor). `leaderboard` (your own row, `me`): appear on the members-visible leaderboard.',
        security: access.signedIn,
        params: MemberParams,
        body: MemberUpdateBody,
        response: { 200: ref(CohortMember), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      service.updateMember(actorOf(request), request.params.id, request.params.userId, request.body),
  );

  app.delete(
    '/api/v1/cohorts/:id/members/:userId',
    {
      schema: {
        tags,
        summary: 'Leave a cohort, or remove a member',
        description:
          '`me` leaves (an owner hands the cohort on first: 409). Owners remove others. Your own progress stays yours.',
        security: access.signedIn,
        params: MemberParams,
        response: { 204: noContent, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await service.removeMember(actorOf(request), request.params.id, request.params.userId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/cohorts/:id/members/:userId/nudges',
    {
      schema: {
        tags,
        summary: 'Send a member a short note by mail',
        description: `Owners and mentors. One nudge per member per 24 hours, and a few a day in all (429 with Retry-After).`,
        security: access.signedIn,
        params: Type.Object(
          { id: CohortParams.properties.id, userId: Type.String({ format: 'uuid' }) },
          { additionalProperties: false },
        ),
        body: NudgeBody,
        response: { 202: ref(NudgeSent), ...problems(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await service.nudge(
            actorOf(request),
            request.params.id,
            request.params.userId,
            request.body.message,
          ),
        ),
  );
};
