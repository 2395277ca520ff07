import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { metaWebhookRoutes } from '../../http/meta-webhook.ts';
import { IdParams, NoContent } from '../../http/schemas.ts';
import {
  AttachBody,
  AttachResult,
  ConnectionCheck,
  Message,
  SendBody,
  Settings,
  SettingsBody,
  Thread,
  ThreadQuery,
  Unattached,
  UnattachedQuery,
} from './whatsapp.schemas.ts';
import { sendToLead } from './whatsapp.send.ts';
import * as settings from './whatsapp.settings.ts';
import { attachUnattached, leadThread, listUnattached } from './whatsapp.thread.ts';
import { receiveWebhook, verifySubscription } from './whatsapp.webhook.ts';

const tags = ['whatsapp'];

export function whatsappRoutes(app: App, deps: Deps): void {
  const baseUrl = (request: FastifyRequest) => deps.config.publicUrl ?? `${request.protocol}://${request.host}`;

  app.get(
    '/whatsapp/settings',
    {
      config: { permission: 'whatsapp:manage' },
      schema: {
        tags,
        summary: "The company's WhatsApp Business connection (secrets are never shown, only whether they are set)",
        response: { 200: Settings },
      },
    },
    (request) => settings.getSettings(deps, contextOf(request), baseUrl(request)),
  );

  app.put(
    '/whatsapp/settings',
    {
      config: { permission: 'whatsapp:manage' },
      schema: {
        tags,
        summary: 'Connect WhatsApp or change the connection; omitted secrets keep their stored values',
        body: SettingsBody,
        response: { 200: Settings },
      },
    },
    (request) => settings.putSettings(deps, contextOf(request), request.body, baseUrl(request)),
  );

  app.delete(
    '/whatsapp/settings',
    {
      config: { permission: 'whatsapp:manage' },
      schema: {
        tags,
        summary: 'Disconnect WhatsApp: sending stops, webhooks are ignored; messages stay on their leads',
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await settings.deleteSettings(deps, contextOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/whatsapp/settings/check',
    {
      config: { permission: 'whatsapp:manage' },
      schema: {
        tags,
        summary: 'Ask WhatsApp about the connected number: proves the phone number id and the access token',
        response: { 200: ConnectionCheck },
      },
    },
    (request) => settings.checkConnection(deps, contextOf(request)),
  );

  app.get(
    '/whatsapp/unattached',
    {
      config: { permission: 'whatsapp:manage' },
      schema: {
        tags,
        summary: 'Conversations with numbers no lead has, one row per number, latest first',
        querystring: UnattachedQuery,
        response: { 200: Unattached },
      },
    },
    (request) => listUnattached(deps, contextOf(request), request.query.limit ?? 50),
  );

  app.post(
    '/whatsapp/unattached/attach',
    {
      config: { permission: 'whatsapp:manage' },
      schema: {
        tags,
        summary: "File a number's unattached messages on a lead",
        body: AttachBody,
        response: { 200: AttachResult },
      },
    },
    (request) => attachUnattached(deps, contextOf(request), request.body),
  );

  app.get(
    '/leads/:id/whatsapp',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary: 'The WhatsApp conversation with a lead, newest first, with the 24-hour service window',
        params: IdParams,
        querystring: ThreadQuery,
        response: { 200: Thread },
      },
    },
    (request) =>
      leadThread(deps, contextOf(request), request.params.id, {
        ...request.query,
        limit: request.query.limit ?? 50,
      }),
  );

  app.post(
    '/leads/:id/whatsapp',
    {
      config: { permission: 'whatsapp:send' },
      schema: {
        tags,
        summary: 'Send a text or an approved template to the lead; kept at once (queued), sent by a job',
        params: IdParams,
        body: SendBody,
        response: { 202: Message },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await sendToLead(deps, contextOf(request), request.params.id, request.body)),
  );

  metaWebhookRoutes(app, {
    path: '/webhooks/whatsapp',
    tags,
    what: 'WhatsApp',
    verify: (query) => verifySubscription(deps, query),
    receive: (body, signature, request) => receiveWebhook(deps, body, signature, request.id),
    received: {
      summary: 'WhatsApp events (messages, statuses), signed with X-Hub-Signature-256; 401 when it does not match',
      response: Type.Object({ received: Type.Integer() }),
    },
  });
}
