import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { metaWebhookRoutes } from '../../http/meta-webhook.ts';
import { IdParams, List, NoContent, Page } from '../../http/schemas.ts';
import { getBackfill, getMapping, putMapping, startBackfill } from './facebook.forms.ts';
import * as pages from './facebook.pages.ts';
import {
  Backfill,
  BackfillBody,
  ConnectBody,
  Connection,
  Event,
  EventsQuery,
  FormIdParams,
  Mapping,
  MappingBody,
  UpdateBody,
} from './facebook.schemas.ts';
import { receiveWebhook, verifySubscription } from './facebook.webhook.ts';

const tags = ['facebook'];

export function facebookRoutes(app: App, deps: Deps): void {
  const baseUrl = (request: FastifyRequest) => deps.config.publicUrl ?? `${request.protocol}://${request.host}`;

  app.post(
    '/facebook/pages',
    {
      config: { permission: 'facebook:manage' },
      schema: {
        tags,
        summary: 'Connect a Facebook Page for Lead Ads; answers the webhook URL and verify token to give Meta',
        body: ConnectBody,
        response: { 201: Connection },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await pages.connectPage(deps, contextOf(request), request.body, baseUrl(request))),
  );

  app.get(
    '/facebook/pages',
    {
      config: { permission: 'facebook:read' },
      schema: { tags, summary: 'The connected Facebook Pages and their health', response: { 200: List(Connection) } },
    },
    (request) => pages.listPages(deps, contextOf(request), baseUrl(request)),
  );

  app.get(
    '/facebook/pages/:id',
    {
      config: { permission: 'facebook:read' },
      schema: { tags, summary: 'One Facebook Page connection', params: IdParams, response: { 200: Connection } },
    },
    (request) => pages.getPage(deps, contextOf(request), request.params.id, baseUrl(request)),
  );

  app.patch(
    '/facebook/pages/:id',
    {
      config: { permission: 'facebook:manage' },
      schema: {
        tags,
        summary: 'Rename, replace the token or app secret (a new token repairs the connection), or a new verify token',
        params: IdParams,
        body: UpdateBody,
        response: { 200: Connection },
      },
    },
    (request) => pages.updatePage(deps, contextOf(request), request.params.id, request.body, baseUrl(request)),
  );

  app.delete(
    '/facebook/pages/:id',
    {
      config: { permission: 'facebook:manage' },
      schema: {
        tags,
        summary: 'Disconnect a Page: its deliveries are ignored from now on; its leads stay',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await pages.deletePage(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/facebook/pages/:id/events',
    {
      config: { permission: 'facebook:read' },
      schema: {
        tags,
        summary: "The connection's log, newest first: each event received, the lead it made, or why it failed",
        params: IdParams,
        querystring: EventsQuery,
        response: { 200: Page(Event) },
      },
    },
    (request) => pages.listEvents(deps, contextOf(request), request.params.id, request.query),
  );

  app.get(
    '/facebook/forms/:formId/mapping',
    {
      config: { permission: 'facebook:read' },
      schema: {
        tags,
        summary: "A lead form's questions and the lead fields they fill (suggested until saved)",
        params: FormIdParams,
        response: { 200: Mapping },
      },
    },
    (request) => getMapping(deps, contextOf(request), request.params.formId),
  );

  app.put(
    '/facebook/forms/:formId/mapping',
    {
      config: { permission: 'facebook:manage' },
      schema: {
        tags,
        summary: "Save a lead form's mapping: each question to a lead field, a custom field, or the timeline only",
        params: FormIdParams,
        body: MappingBody,
        response: { 200: Mapping },
      },
    },
    (request) => putMapping(deps, contextOf(request), request.params.formId, request.body),
  );

  app.post(
    '/facebook/forms/:formId/backfill',
    {
      config: { permission: 'facebook:manage' },
      schema: {
        tags,
        summary: "Fetch a form's earlier leads page by page (a job); leads already here are not created again",
        params: FormIdParams,
        body: Type.Optional(BackfillBody),
        response: { 202: Backfill },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await startBackfill(deps, contextOf(request), request.params.formId, request.body?.connectionId)),
  );

  app.get(
    '/facebook/forms/:formId/backfill',
    {
      config: { permission: 'facebook:read' },
      schema: { tags, summary: "A form's backfill progress", params: FormIdParams, response: { 200: Backfill } },
    },
    (request) => getBackfill(deps, contextOf(request), request.params.formId),
  );

  metaWebhookRoutes(app, {
    path: '/webhooks/facebook',
    tags,
    what: 'Lead Ads',
    verify: (query) => verifySubscription(deps, query),
    receive: (body, signature, request) => receiveWebhook(deps, body, signature, request.log),
    received: {
      summary: 'Lead Ads leadgen events, signed with X-Hub-Signature-256 (401 when it does not match); 200 at once',
      response: Type.Object({ received: Type.Integer(), malformed: Type.Integer() }),
    },
  });
}
