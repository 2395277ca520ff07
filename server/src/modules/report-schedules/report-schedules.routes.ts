import type { FastifyRequest } from 'fastify';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import { CreateScheduleBody, ReportSchedule, SendNowResult, UpdateScheduleBody } from './report-schedules.schemas.ts';
import * as service from './report-schedules.service.ts';

/** Scheduled reports: a report emailed daily, weekly or monthly, each recipient receiving what it may see. */
export function reportSchedulesRoutes(app: App, deps: Deps): void {
  // The emailed link's address: PUBLIC_URL, else the address the schedule is saved through.
  const baseUrl = (request: FastifyRequest) => deps.config.publicUrl ?? `${request.protocol}://${request.host}`;

  app.get(
    '/report-schedules',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: 'Your report schedules (an admin: every schedule of the company), by name',
        response: { 200: List(ReportSchedule) },
      },
    },
    (request) => service.listSchedules(deps, contextOf(request)),
  );

  app.post(
    '/report-schedules',
    {
      config: { permission: 'reports:build' },
      schema: {
        tags: ['reports'],
        summary: 'Schedule a report by email: daily, weekly or monthly, to users you may see',
        description:
          'Each recipient receives the report run as themselves (their own records and fields), as a CSV or ' +
          'XLSX attachment with a link to it in the app, through the company’s outgoing email server. You and ' +
          'every recipient must be able to run the report. `at` is read on the company’s clock.',
        body: CreateScheduleBody,
        response: { 201: ReportSchedule },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createSchedule(deps, contextOf(request), request.body, baseUrl(request))),
  );

  app.get(
    '/report-schedules/:id',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: 'One report schedule (its owner, or an admin)',
        params: IdParams,
        response: { 200: ReportSchedule },
      },
    },
    (request) => service.getSchedule(deps, contextOf(request), request.params.id),
  );

  app.patch(
    '/report-schedules/:id',
    {
      config: { permission: 'reports:build' },
      schema: {
        tags: ['reports'],
        summary: 'Change a report schedule (its owner, or an admin); a new time moves its next run',
        params: IdParams,
        body: UpdateScheduleBody,
        response: { 200: ReportSchedule },
      },
    },
    (request) => service.updateSchedule(deps, contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/report-schedules/:id',
    {
      config: { permission: 'reports:build' },
      schema: {
        tags: ['reports'],
        summary: 'Delete a report schedule (its owner, or an admin)',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.deleteSchedule(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/report-schedules/:id/send-now',
    {
      config: { permission: 'reports:build' },
      schema: {
        tags: ['reports'],
        summary: 'Send a report schedule now, as its next run would; its next run stays',
        description:
          'Queues each recipient’s email (202) and answers what became of each: queued, failed (no email ' +
          'server) or skipped (the recipient may not run the report now, with the reason).',
        params: IdParams,
        response: { 202: SendNowResult },
      },
    },
    async (request, reply) => reply.code(202).send(await service.sendNow(deps, contextOf(request), request.params.id)),
  );
}
