import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent, Nullable } from '../../http/schemas.ts';
import * as service from './availability.service.ts';

const tags = ['availability'];
const Time = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, 24-hour' });

const Availability = Type.Object(
  {
    userId: Type.String({ format: 'uuid' }),
    configured: Type.Boolean({ description: 'false: nothing set, the user is always available' }),
    timezone: Nullable(Type.String(), { description: "null: the company's time zone" }),
    effectiveTimezone: Type.String(),
    workingDays: Type.Array(Type.Integer(), { description: 'ISO weekdays: 1 = Monday .. 7 = Sunday' }),
    workStart: Nullable(Type.String(), { description: 'HH:MM; null with workEnd null: any time' }),
    workEnd: Nullable(Type.String()),
    dailyCap: Nullable(Type.Integer(), { description: 'Most leads assigned to the user per day (its own day)' }),
    openCap: Nullable(Type.Integer(), { description: 'Most open leads the user may own' }),
    updatedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

const AvailabilityBody = Type.Object(
  {
    timezone: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 64 }), { description: "IANA zone; null: the company's" }),
    ),
    workingDays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
      description: 'ISO weekdays: 1 = Monday .. 7 = Sunday',
    }),
    workStart: Type.Optional(Nullable(Time)),
    workEnd: Type.Optional(Nullable(Time, { description: 'Before workStart: the shift runs past midnight' })),
    dailyCap: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100_000 }))),
    openCap: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))),
  },
  { additionalProperties: false, description: 'Replaces the settings; a field left out is cleared' },
);

const Leave = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    userId: Type.String({ format: 'uuid' }),
    startsOn: Type.String({ format: 'date' }),
    endsOn: Type.String({ format: 'date', description: 'Inclusive' }),
    reason: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const LeaveBody = Type.Object(
  {
    startsOn: Type.String({ format: 'date' }),
    endsOn: Type.String({ format: 'date', description: 'Inclusive; the same day for one day off' }),
    reason: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  },
  { additionalProperties: false },
);

const LeaveParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), leaveId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** Working days and hours, caps and leaves: what decides whether a user can take a lead now. */
export function availabilityRoutes(app: App, deps: Deps): void {
  app.get(
    '/me/availability',
    {
      config: { permission: 'profile:self' },
      schema: { tags, summary: 'My working hours, days and caps', response: { 200: Availability } },
    },
    (request) => service.myAvailability(deps, contextOf(request)),
  );

  app.put(
    '/me/timezone',
    {
      config: { permission: 'profile:self' },
      schema: {
        tags,
        summary: 'Set my own time zone: the dates I am shown, my "today" and my working hours follow it',
        body: Type.Object(
          {
            timezone: Nullable(Type.String({ minLength: 1, maxLength: 64 }), {
              description: "An IANA time zone such as Asia/Kolkata; null: the company's",
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Availability },
      },
    },
    (request) => service.setMyTimezone(deps, contextOf(request), request.body.timezone),
  );

  app.get(
    '/users/:id/availability',
    {
      config: { permission: 'availability:manage' },
      schema: {
        tags,
        summary: "A user's working hours, days and caps (admins: anyone; managers: their team)",
        params: IdParams,
        response: { 200: Availability },
      },
    },
    (request) => service.getAvailability(deps, contextOf(request), request.params.id),
  );

  app.put(
    '/users/:id/availability',
    {
      config: { permission: 'availability:manage' },
      schema: {
        tags,
        summary: "Set a user's working hours, days and caps",
        params: IdParams,
        body: AvailabilityBody,
        response: { 200: Availability },
      },
    },
    (request) => service.putAvailability(deps, contextOf(request), request.params.id, request.body),
  );

  app.get(
    '/users/:id/leaves',
    {
      config: { permission: 'availability:manage' },
      schema: { tags, summary: "A user's leaves, latest first", params: IdParams, response: { 200: List(Leave) } },
    },
    (request) => service.listLeaves(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/users/:id/leaves',
    {
      config: { permission: 'availability:manage' },
      schema: {
        tags,
        summary: 'Add a leave: no leads are assigned to the user on those days (its own calendar)',
        params: IdParams,
        body: LeaveBody,
        response: { 201: Leave },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.addLeave(deps, contextOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/users/:id/leaves/:leaveId',
    {
      config: { permission: 'availability:manage' },
      schema: { tags, summary: 'Remove a leave', params: LeaveParams, response: { 204: NoContent } },
    },
    async (request, reply) => {
      await service.removeLeave(deps, contextOf(request), request.params.id, request.params.leaveId);
      return reply.code(204).send(null);
    },
  );
}
