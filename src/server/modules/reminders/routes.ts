// /api/v1/me/push-subscriptions, /api/v1/me/reminder/test, the calendar feed and its token,
// and /api/v1/unsubscribe (the link and RFC 8058 one-click POST of every reminder mail).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import {
  CalendarFeed,
  PushIdParams,
  PushSubscriptionBody,
  PushSubscriptionItem,
  PushSubscriptionList,
  TestReminderResult,
  TokenQuery,
  Unsubscribed,
} from './schemas.ts';
import type { ReminderService } from './service.ts';

export const reminderRoutes: FastifyPluginAsyncTypebox<{
  service: ReminderService;
  vapidPublicKey: string | undefined;
}> = async (app, { service, vapidPublicKey }) => {
  // A mail client's one-click unsubscribe is a form post (RFC 8058 §3.1); only this plugin's
  // routes accept one.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.get(
    '/api/v1/me/push-subscriptions',
    {
      schema: {
        tags: ['Reminders'],
        summary: 'Your browsers that get push reminders, and the key to subscribe another',
        security: access.signedIn,
        response: { 200: ref(PushSubscriptionList), ...problems(401) },
      },
    },
    async (request) => ({
      vapidPublicKey: vapidPublicKey ?? null,
      items: await service.pushSubscriptions(currentUser(request).userId),
    }),
  );

  app.post(
    '/api/v1/me/push-subscriptions',
    {
      schema: {
        tags: ['Reminders'],
        summary: 'Get push reminders in this browser',
        description:
          "The body is the browser's `PushSubscription` as JSON. Subscribing the same endpoint again replaces its keys.",
        security: access.signedIn,
        body: PushSubscriptionBody,
        response: { 201: ref(PushSubscriptionItem), ...problems(400, 401, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.subscribePush(currentUser(request).userId, request.body)),
  );

  app.delete(
    '/api/v1/me/push-subscriptions/:id',
    {
      schema: {
        tags: ['Reminders'],
        summary: 'Stop push reminders in one browser',
        security: access.signedIn,
        params: PushIdParams,
        response: { 204: { type: 'null', description: 'Removed.' }, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await service.unsubscribePush(currentUser(request).userId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/me/reminder/test',
    {
      schema: {
        tags: ['Reminders'],
        summary: 'Send yourself a test reminder now',
        description:
          "On your reminder's channels, whatever today's minutes are. Email goes only to a confirmed address; push to every subscribed browser.",
        security: access.signedIn,
        response: { 202: ref(TestReminderResult), ...problems(401, 422) },
      },
    },
    async (request, reply) => reply.code(202).send(await service.sendTest(currentUser(request).userId)),
  );

  app.post(
    '/api/v1/me/calendar-token',
    {
      schema: {
        tags: ['Reminders'],
        summary: 'A new calendar feed URL',
        description:
          'An iCalendar feed of your study blocks (at your reminder time, on its days) and reviews due, for the next 14 days. A new URL replaces the old one, which stops working.',
        security: access.signedIn,
        response: { 201: ref(CalendarFeed), ...problems(401) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createCalendarToken(currentUser(request).userId)),
  );

  app.delete(
    '/api/v1/me/calendar-token',
    {
      schema: {
        tags: ['Reminders'],
        summary: 'Turn the calendar feed off',
        security: access.signedIn,
        response: { 204: { type: 'null', description: 'The feed URL no longer works.' }, ...problems(401) },
      },
    },
    async (request, reply) => {
      await service.revokeCalendarToken(currentUser(request).userId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me/calendar.ics',
    {
      schema: {
        tags: ['Reminders'],
        summary: 'Your study calendar (iCalendar)',
        description:
          'For calendar apps, which cannot sign in: the `token` from `POST /api/v1/me/calendar-token` is the key.',
        security: access.public,
        querystring: TokenQuery,
        produces: ['text/calendar'],
        response: { 200: { type: 'string', description: 'An RFC 5545 calendar.' }, ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const ics = await service.calendar(request.query.token);
      return reply.type('text/calendar; charset=utf-8').send(ics);
    },
  );

  app.post(
    '/api/v1/unsubscribe',
    {
      schema: {
        tags: ['Reminders'],
        summary: 'Stop reminder or digest mail (the link in each mail)',
        description:
          "No sign-in: the mail's signed `token` says who and what. Mail clients post `List-Unsubscribe=One-Click` here (RFC 8058); the web page posts an empty body. Repeating it changes nothing.",
        security: access.public,
        querystring: TokenQuery,
        response: { 200: ref(Unsubscribed), ...problems(400, 404) },
      },
    },
    async (request) => {
      const { kind } = await service.unsubscribe(request.query.token);
      return {
        kind,
        message:
          kind === 'digest'
            ? 'You will get no more weekly digests. Turn them on again in Settings.'
            : 'You will get no more reminder mails. Change reminders in Settings.',
      };
    },
  );
};
