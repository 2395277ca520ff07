import { Type } from 'typebox';
import type { App } from '../../app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, Limit, Nullable } from '../../http/schemas.ts';
import * as service from './notifications.service.ts';

const tags = ['notifications'];

const Notification = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.String({ description: 'e.g. lead.assigned, lead.sla_missed' }),
    title: Type.String(),
    body: Nullable(Type.String()),
    leadId: Nullable(Type.String({ format: 'uuid' })),
    readAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

/** The caller's notifications. */
export function notificationsRoutes(app: App, deps: Deps): void {
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
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
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
}
