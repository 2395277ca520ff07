import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { keepRawJsonBodies } from '../../http/raw-body.ts';
import { IdParams, List, NoContent } from '../../http/schemas.ts';
import type { MappingField } from './erp.mapping.ts';
import {
  CheckResult,
  Conflict,
  Connection,
  ConnectorInfo,
  ConsistencyBody,
  CreateConnectionBody,
  ErrorItem,
  LeadErp,
  MappingBody,
  OAuthStart,
  PushBody,
  ResolveBody,
  ReviewBody,
  ReviewItem,
  Run,
  RunDetail,
  SyncBody,
  UpdateConnectionBody,
} from './erp.schemas.ts';
import * as service from './erp.service.ts';

const tags = ['erp'];

/** ERP sync: connections, mapping, runs, the error queue, conflicts, review, consistency (see docs/erp.md). */
export function erpRoutes(app: App, deps: Deps): void {
  const manage = { permission: 'erp:manage' as const };
  const read = { permission: 'erp:read' as const };
  const origin = (request: FastifyRequest) => deps.config.publicUrl ?? `${request.protocol}://${request.host}`;

  app.get(
    '/erp/connectors',
    {
      config: read,
      schema: {
        tags,
        summary: 'The connectors: settings, secrets, customer fields, default mapping',
        response: { 200: List(ConnectorInfo) },
      },
    },
    (request) => service.listConnectors(deps, contextOf(request)),
  );

  app.get(
    '/erp/connections',
    { config: read, schema: { tags, summary: 'The company’s ERP connections', response: { 200: List(Connection) } } },
    (request) => service.listConnections(deps, contextOf(request)),
  );

  app.post(
    '/erp/connections',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Add a connection (OAuth connectors start pending until connected)',
        body: CreateConnectionBody,
        response: { 201: Connection },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createConnection(deps, contextOf(request), request.body)),
  );

  app.get(
    '/erp/connections/:id',
    { config: read, schema: { tags, summary: 'One connection', params: IdParams, response: { 200: Connection } } },
    (request) => service.getConnection(deps, contextOf(request), request.params.id),
  );

  app.patch(
    '/erp/connections/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Change a connection: name, settings, secrets, schedule, pushing won leads, pause or resume',
        params: IdParams,
        body: UpdateConnectionBody,
        response: { 200: Connection },
      },
    },
    (request) => service.updateConnection(deps, contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/erp/connections/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Delete a connection, its links, documents, runs and queues',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.deleteConnection(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/erp/connections/:id/mapping',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Replace the customer field mapping',
        params: IdParams,
        body: MappingBody,
        response: { 200: Connection },
      },
    },
    (request) => service.setMapping(deps, contextOf(request), request.params.id, request.body.fields as MappingField[]),
  );

  app.post(
    '/erp/connections/:id/check',
    {
      config: manage,
      schema: { tags, summary: 'Try the connection now', params: IdParams, response: { 200: CheckResult } },
    },
    (request) => service.checkConnection(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/erp/connections/:id/oauth',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Start connecting an OAuth connector: the vendor’s page to send the admin to',
        params: IdParams,
        response: { 200: OAuthStart },
      },
    },
    (request) => service.startOAuth(deps, contextOf(request), request.params.id, origin(request)),
  );

  app.get(
    '/erp/oauth/callback',
    {
      config: { public: true, machine: true },
      schema: {
        tags,
        summary:
          'Where the vendor sends the admin back: the code is exchanged and the admin redirected to the connection',
        querystring: Type.Object({
          code: Type.Optional(Type.String({ maxLength: 2000 })),
          state: Type.String({ maxLength: 500 }),
          error: Type.Optional(Type.String({ maxLength: 500 })),
          realmId: Type.Optional(Type.String({ maxLength: 100 })),
          'accounts-server': Type.Optional(Type.String({ maxLength: 200 })),
          location: Type.Optional(Type.String({ maxLength: 20 })),
        }),
        response: { 302: NoContent },
      },
    },
    async (request, reply) => reply.redirect(await service.finishOAuth(deps, request.query, origin(request)), 302),
  );

  app.post(
    '/erp/connections/:id/sync',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Read changes now (202 with the run; the waiting or running one if there is one)',
        params: IdParams,
        body: SyncBody,
        response: { 202: Run },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await service.requestSync(deps, contextOf(request), request.params.id, request.body.full ?? false)),
  );

  app.post(
    '/erp/connections/:id/consistency',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Compare both sides and report drift; with repair, settle it in the direction of each policy',
        params: IdParams,
        body: ConsistencyBody,
        response: { 202: Run },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await service.requestConsistency(deps, contextOf(request), request.params.id, request.body.repair ?? false),
        ),
  );

  app.get(
    '/erp/connections/:id/runs',
    {
      config: read,
      schema: { tags, summary: 'The last 50 runs, newest first', params: IdParams, response: { 200: List(Run) } },
    },
    (request) => service.listRuns(deps, contextOf(request), request.params.id),
  );

  app.get(
    '/erp/runs/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One run (a consistency check with its drift)',
        params: IdParams,
        response: { 200: RunDetail },
      },
    },
    (request) => service.getRun(deps, contextOf(request), request.params.id),
  );

  app.get(
    '/erp/connections/:id/errors',
    {
      config: read,
      schema: {
        tags,
        summary: 'The error queue: records the ERP refused, with its own message',
        params: IdParams,
        querystring: Type.Object({
          status: Type.Optional(Type.Enum(['open', 'resolved', 'skipped'], { default: 'open' })),
        }),
        response: { 200: List(ErrorItem) },
      },
    },
    (request) => service.listErrors(deps, contextOf(request), request.params.id, request.query.status ?? 'open'),
  );

  for (const action of ['retry', 'skip'] as const) {
    app.post(
      `/erp/errors/:id/${action}`,
      {
        config: manage,
        schema: {
          tags,
          summary: action === 'retry' ? 'Try the record again now' : 'Close the error without writing the record',
          params: IdParams,
          response: { 200: ErrorItem },
        },
      },
      (request) => service.actOnError(deps, contextOf(request), request.params.id, action),
    );
  }

  app.get(
    '/erp/connections/:id/conflicts',
    {
      config: read,
      schema: {
        tags,
        summary: 'Fields both sides changed, waiting for a person',
        params: IdParams,
        response: { 200: List(Conflict) },
      },
    },
    (request) => service.listConflicts(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/erp/conflicts/:id/resolve',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Settle a conflict: whose value wins',
        params: IdParams,
        body: ResolveBody,
        response: { 200: Conflict },
      },
    },
    (request) => service.resolveConflict(deps, contextOf(request), request.params.id, request.body.take),
  );

  app.get(
    '/erp/connections/:id/review',
    {
      config: read,
      schema: {
        tags,
        summary: 'Customers the ERP holds that matched no lead, with the likely leads',
        params: IdParams,
        response: { 200: List(ReviewItem) },
      },
    },
    (request) => service.listReview(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/erp/connections/:id/review',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Link a customer to a lead, or leave it unlinked',
        params: IdParams,
        body: ReviewBody,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.reviewCustomer(deps, contextOf(request), request.params.id, request.body);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/leads/:id/erp',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary: 'The lead’s customers in the books, their invoices and payments, and what is outstanding',
        params: IdParams,
        response: { 200: LeadErp },
      },
    },
    (request) => service.leadErp(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/leads/:id/erp/push',
    {
      config: { permission: 'erp:push' },
      schema: {
        tags,
        summary: 'Push the lead to an ERP now (creates the customer, or writes what changed)',
        params: IdParams,
        body: PushBody,
        response: { 202: Type.Object({ queued: Type.Boolean() }) },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await service.pushLead(deps, contextOf(request), request.params.id, request.body.connectionId)),
  );

  // Change notifications arrive signed over the exact bytes: a scope of their own keeps the raw body.
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>() as App;
    keepRawJsonBodies(scope, 1024 * 1024);
    scope.post(
      '/erp/notify/:companyId/:connectionId',
      {
        config: { public: true, machine: true },
        bodyLimit: 1024 * 1024,
        schema: {
          tags,
          summary:
            'A change notification from the ERP (QuickBooks webhooks, Zoho notifications), verified by signature or token',
          params: Type.Object({
            companyId: Type.String({ format: 'uuid' }),
            connectionId: Type.String({ format: 'uuid' }),
          }),
          response: { 200: Type.Object({ received: Type.Integer() }) },
        },
      },
      (request) =>
        service.receiveNotification(
          deps,
          request.params.companyId,
          request.params.connectionId,
          request.headers as Record<string, string | undefined>,
          request.body as Buffer,
        ),
    );
  });
}
