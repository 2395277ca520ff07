import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, List, NoContent, Page } from '../../http/schemas.ts';
import {
  CreateEndpointBody,
  DeliveriesQuery,
  ReplayResult,
  ReplaySinceBody,
  UpdateEndpointBody,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './webhooks.schemas.ts';
import * as service from './webhooks.service.ts';

const tags = ['webhooks'];

/** Outgoing webhooks (Standard Webhooks): endpoints, their secrets, the delivery log and replays. */
export function webhooksRoutes(app: App, deps: Deps): void {
  app.get(
    '/webhooks/endpoints',
    {
      config: { permission: 'webhooks:read' },
      schema: { tags, summary: 'The company’s webhook endpoints', response: { 200: List(WebhookEndpoint) } },
    },
    (request) => service.listEndpoints(deps, contextOf(request)),
  );

  app.post(
    '/webhooks/endpoints',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Add a webhook endpoint; its signing secret is in this answer only',
        description:
          'Messages follow the Standard Webhooks specification (headers webhook-id, webhook-timestamp, ' +
          'webhook-signature; body {type, timestamp, data}). See docs/webhooks.md.',
        body: CreateEndpointBody,
        response: { 201: WebhookEndpointWithSecret },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.createEndpoint(deps, contextOf(request), request.body)),
  );

  app.get(
    '/webhooks/endpoints/:id',
    {
      config: { permission: 'webhooks:read' },
      schema: { tags, summary: 'One webhook endpoint', params: IdParams, response: { 200: WebhookEndpoint } },
    },
    (request) => service.getEndpoint(deps, contextOf(request), request.params.id),
  );

  app.patch(
    '/webhooks/endpoints/:id',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Change a webhook endpoint: URL, description, events, filter, enabled',
        params: IdParams,
        body: UpdateEndpointBody,
        response: { 200: WebhookEndpoint },
      },
    },
    (request) => service.updateEndpoint(deps, contextOf(request), request.params.id, request.body),
  );

  app.delete(
    '/webhooks/endpoints/:id',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Delete a webhook endpoint and its delivery log',
        params: IdParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.deleteEndpoint(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/webhooks/endpoints/:id/rotate-secret',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Give the endpoint a new secret (in this answer only); the old one also signs for 24 hours',
        params: IdParams,
        response: { 200: WebhookEndpointWithSecret },
      },
    },
    (request) => service.rotateSecret(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/webhooks/endpoints/:id/test',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Send a webhook.test message to the endpoint now; its outcome shows in the delivery log',
        params: IdParams,
        response: { 202: WebhookDelivery },
      },
    },
    async (request, reply) => reply.code(202).send(await service.sendTest(deps, contextOf(request), request.params.id)),
  );

  app.get(
    '/webhooks/endpoints/:id/deliveries',
    {
      config: { permission: 'webhooks:read' },
      schema: {
        tags,
        summary: 'The endpoint’s delivery log, newest first: each message with every attempt',
        params: IdParams,
        querystring: DeliveriesQuery,
        response: { 200: Page(WebhookDelivery) },
      },
    },
    (request) => service.listDeliveries(deps, contextOf(request), request.params.id, request.query),
  );

  app.post(
    '/webhooks/endpoints/:id/replay',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Replay every message to the endpoint that failed since a time (each once)',
        params: IdParams,
        body: ReplaySinceBody,
        response: { 202: ReplayResult },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await service.replaySince(deps, contextOf(request), request.params.id, request.body.since)),
  );

  app.post(
    '/webhooks/deliveries/:id/replay',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Send one message again (same webhook-id), as a new delivery',
        params: IdParams,
        response: { 202: WebhookDelivery },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await service.replayDelivery(deps, contextOf(request), request.params.id)),
  );
}
