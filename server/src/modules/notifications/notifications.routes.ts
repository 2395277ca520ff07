import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { Cursor, IdParams, Limit, Nullable } from '../../http/schemas.ts';
import { replanForPreference } from '../activities/index.ts';
import { liveNotifications } from './notifications.live.ts';
import { getPreferences, Preferences, putPreferences } from './notifications.preferences.ts';
import * as service from './notifications.service.ts';
import { streamNotifications } from './notifications.stream.ts';

const tags = ['notifications'];

const Notification = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.String({
      description:
        'lead.assigned, lead.sla_missed, lead.mentioned, activity.assigned, activity.due, activity.missed, whatsapp_inbound, bulk_action',
    }),
    title: Type.String(),
    body: Nullable(Type.String()),
    leadId: Nullable(Type.String({ format: 'uuid' })),
    at: Nullable(Type.String({ format: 'date-time' }), {
      description: 'The moment it speaks of (e.g. a due time), to show in the reader’s time zone',
    }),
    readAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

/** The caller's notifications: the list, read marks, a live stream and reminder preferences. */
export function notificationsRoutes(app: App, deps: Deps): void {
  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', () => liveNotifications(deps).close());

  app.get(
    '/notifications',
    {
      config: { permission: 'notifications:self' },
      schema: {
        tags,
        summary: 'My notifications, newest first, with how many are unread',
        querystring: Type.Object(
          {
            unread: Type.Optional(Type.Boolean({ description: 'true: only the unread ones' })),
            limit: Limit,
            cursor: Cursor(200),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            data: Type.Array(Notification),
            nextCursor: Nullable(Type.String(), { description: 'null on the last page' }),
            unreadCount: Type.Integer(),
          }),
        },
      },
    },
    (request) =>
      service.listNotifications(deps, contextOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.post(
    '/notifications/read-all',
    {
      config: { permission: 'notifications:self' },
      schema: {
        tags,
        summary: 'Mark all my notifications read',
        response: { 200: Type.Object({ updated: Type.Integer() }) },
      },
    },
    (request) => service.markAllRead(deps, contextOf(request)),
  );

  app.post(
    '/notifications/:id/read',
    {
      config: { permission: 'notifications:self' },
      schema: { tags, summary: 'Mark one of my notifications read', params: IdParams, response: { 200: Notification } },
    },
    (request) => service.markRead(deps, contextOf(request), request.params.id),
  );

  app.get(
    '/notifications/stream',
    {
      config: { permission: 'notifications:self' },
      schema: {
        tags,
        summary: 'My notifications as they happen (Server-Sent Events)',
        description:
          'A `text/event-stream`: `ready` `{unreadCount, live}` at once; then `notification` ' +
          '`{notification, unreadCount}` for each new one and `unread` `{unreadCount}` when read marks change ' +
          '(in another tab too). A comment every 25 s keeps it open. Authenticate with `Authorization: Bearer` ' +
          '(read it with fetch, not EventSource); the stream ends when the token expires or the session ends: ' +
          'reconnect with a fresh token.',
        response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: {} } } } },
      },
    },
    (request, reply) => streamNotifications(deps, request, reply),
  );

  app.get(
    '/notifications/preferences',
    {
      config: { permission: 'notifications:self' },
      schema: { tags, summary: 'How I want follow-up reminders', response: { 200: Preferences } },
    },
    (request) => getPreferences(deps, contextOf(request)),
  );

  app.put(
    '/notifications/preferences',
    {
      config: { permission: 'notifications:self' },
      schema: {
        tags,
        summary: 'Set how and how long before they are due my follow-ups are reminded',
        description: 'A new lead time re-plans the reminders still to come (those without a lead time of their own).',
        body: Preferences,
        response: { 200: Preferences },
      },
    },
    (request) => putPreferences(deps, contextOf(request), request.body, replanForPreference),
  );
}
