import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, Page } from '../../http/schemas.ts';
import { cancelActivity, completeActivity, rescheduleActivity } from './activities.lifecycle.ts';
import { listActivities } from './activities.list.ts';
import {
  Activity,
  CancelBody,
  CompleteBody,
  CompleteResult,
  CreateActivityBody,
  ListActivitiesQuery,
  RescheduleBody,
  UpdateActivityBody,
} from './activities.schemas.ts';
import * as service from './activities.service.ts';

const tags = ['activities'];
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) });
/** Complete and cancel need nothing said: a request without a body is an empty one. */
const emptyBodyAllowed = async (request: { body: unknown }) => {
  request.body ??= {};
};

/** Follow-ups, logged calls, meetings and notes on leads; also login activity (see activity-log). */
export function activitiesRoutes(app: App, deps: Deps): void {
  app.post(
    '/activities',
    {
      config: { permission: 'activities:write' },
      schema: {
        tags,
        summary: 'Schedule a follow-up or meeting, or log a call, meeting or note, on a lead you can see',
        description:
          'Follow-ups and meetings need `dueAt` and start open; their assignee (default: you) is reminded before ' +
          'they are due and they are marked missed an hour after, if still open. Calls and notes are logged as ' +
          'done at `dueAt` (default now). The assignee must be someone who can see the lead (422 otherwise).',
        body: CreateActivityBody,
        response: { 201: Activity },
      },
    },
    async (request, reply) => {
      const activity = await service.createActivity(deps, contextOf(request), request.body);
      return reply.code(201).header('etag', `"${activity.version}"`).send(activity);
    },
  );

  app.get(
    '/activities',
    {
      config: { permission: 'activities:read' },
      schema: {
        tags,
        summary: 'Activities on the leads you can see, by due time; filters combine with AND',
        querystring: ListActivitiesQuery,
        response: { 200: Page(Activity) },
      },
    },
    (request) => listActivities(deps, contextOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.get(
    '/activities/:id',
    {
      config: { permission: 'activities:read' },
      schema: { tags, summary: 'One activity', params: IdParams, response: { 200: Activity } },
    },
    async (request, reply) => {
      const activity = await service.getActivity(deps, contextOf(request), request.params.id);
      return reply.header('etag', `"${activity.version}"`).send(activity);
    },
  );

  app.patch(
    '/activities/:id',
    {
      config: { permission: 'activities:write' },
      schema: {
        tags,
        summary: 'Change an activity; carries the version read (or If-Match); a stale one answers 409',
        description:
          'A new `dueAt`, assignee or lead time re-plans the reminder; a done or cancelled follow-up keeps its ' +
          'time and assignee (409 `activity_closed`) but its notes and outcome can still be corrected.',
        params: IdParams,
        headers: IfMatch,
        body: UpdateActivityBody,
        response: { 200: Activity },
      },
    },
    async (request, reply) => {
      const activity = await service.updateActivity(
        deps,
        contextOf(request),
        request.params.id,
        request.body,
        request.headers['if-match'],
      );
      return reply.header('etag', `"${activity.version}"`).send(activity);
    },
  );

  app.post(
    '/activities/:id/complete',
    {
      config: { permission: 'activities:write' },
      preValidation: emptyBodyAllowed,
      schema: {
        tags,
        summary: 'Mark an open or missed activity done and, in the same step, schedule the next one',
        params: IdParams,
        headers: IfMatch,
        body: CompleteBody,
        response: { 200: CompleteResult },
      },
    },
    (request) =>
      completeActivity(deps, contextOf(request), request.params.id, request.body, request.headers['if-match']),
  );

  app.post(
    '/activities/:id/cancel',
    {
      config: { permission: 'activities:write' },
      preValidation: emptyBodyAllowed,
      schema: {
        tags,
        summary: 'Cancel an open or missed activity; its reminder is dropped',
        params: IdParams,
        headers: IfMatch,
        body: CancelBody,
        response: { 200: Activity },
      },
    },
    (request) => cancelActivity(deps, contextOf(request), request.params.id, request.body, request.headers['if-match']),
  );

  app.post(
    '/activities/:id/reschedule',
    {
      config: { permission: 'activities:write' },
      schema: {
        tags,
        summary: 'Move an open or missed follow-up or meeting to a new time (open again, reminder re-planned)',
        params: IdParams,
        headers: IfMatch,
        body: RescheduleBody,
        response: { 200: Activity },
      },
    },
    (request) =>
      rescheduleActivity(deps, contextOf(request), request.params.id, request.body, request.headers['if-match']),
  );
}
