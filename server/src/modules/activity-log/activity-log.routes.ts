import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { Cursor, IdParams, Limit, Nullable } from '../../http/schemas.ts';
import { loginEvents } from './activity-log.repository.ts';
import * as service from './activity-log.service.ts';

const tags = ['users'];

const LoginEvent = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    at: Type.String({ format: 'date-time' }),
    event: Type.String({ description: `One of: ${loginEvents.join(', ')}` }),
    outcome: Type.String({ description: 'success or failure' }),
    reason: Nullable(Type.String(), { description: 'Why a sign-in failed: wrong_password, inactive, throttled' }),
    ip: Nullable(Type.String()),
    userAgent: Nullable(Type.String()),
    sessionId: Nullable(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

const ActiveUser = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    email: Type.String(),
    role: Type.String(),
    managerId: Nullable(Type.String({ format: 'uuid' })),
    activeNow: Type.Boolean({ description: 'A session was used within the access token lifetime and 5 minutes' }),
    activeSessions: Type.Integer({ description: 'Sessions signed in and not ended or expired' }),
    lastSeenAt: Nullable(Type.String({ format: 'date-time' })),
    lastLoginAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

/** Login activity: sign-in history per user and who is active, read from the auth records. */
export function activityLogRoutes(app: App, deps: Deps): void {
  app.get(
    '/users/active',
    {
      config: { permission: 'users:activity' },
      schema: {
        tags,
        summary: 'Who is active: the users you oversee (an admin: everyone), last seen and signed-in sessions',
        response: {
          200: Type.Object({
            asOf: Type.String({ format: 'date-time' }),
            activeNow: Type.Integer(),
            data: Type.Array(ActiveUser),
          }),
        },
      },
    },
    (request) => service.whoIsActive(deps, contextOf(request)),
  );

  app.get(
    '/users/:id/logins',
    {
      config: { permission: 'profile:self' },
      schema: {
        tags,
        summary:
          "A user's sign-in history, newest first: your own, or (with users:activity) of someone below you; an admin: anyone's",
        params: IdParams,
        querystring: Type.Object(
          {
            outcome: Type.Optional(
              Type.Unsafe<'success' | 'failure'>({ type: 'string', enum: ['success', 'failure'] }),
            ),
            limit: Limit,
            cursor: Cursor(200),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            data: Type.Array(LoginEvent),
            nextCursor: Nullable(Type.String(), { description: 'null on the last page' }),
          }),
        },
      },
    },
    (request) =>
      service.loginHistory(deps, contextOf(request), request.params.id, {
        ...request.query,
        limit: request.query.limit ?? 50,
      }),
  );
}
