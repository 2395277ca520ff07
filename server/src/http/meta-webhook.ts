import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import type { App } from './app.ts';
import { keepRawJsonBodies } from './raw-body.ts';

/** Meta batches changes in one delivery: a few MB is far beyond any real one. */
const BODY_LIMIT = 3 * 1024 * 1024;

/** Meta's subscription check: `hub.mode=subscribe`, the verify token pasted into Meta, and a challenge to echo. */
export const HubVerifyQuery = Type.Object({
  'hub.mode': Type.Optional(Type.String({ maxLength: 40 })),
  'hub.verify_token': Type.Optional(Type.String({ maxLength: 200 })),
  'hub.challenge': Type.Optional(Type.String({ maxLength: 1000 })),
});
export type HubVerifyQuery = Static<typeof HubVerifyQuery>;

export interface MetaWebhook<R extends TSchema> {
  /** The path of both routes, e.g. `/webhooks/whatsapp`. */
  path: string;
  tags: string[];
  /** Who subscribes (`WhatsApp`, `Lead Ads`), for the routes' summaries. */
  what: string;
  /** The challenge to answer, or an error (403) when the verify token is nobody's. */
  verify(query: HubVerifyQuery): Promise<string>;
  /** Handles a delivery: the exact bytes received and their `X-Hub-Signature-256`. */
  receive(
    body: Buffer,
    signature: string | undefined,
    request: { id: string; log: FastifyBaseLogger },
  ): Promise<unknown>;
  received: { summary: string; response: R };
}

/**
 * The two public routes Meta calls (WhatsApp Cloud API, Lead Ads): GET answers the subscription check, POST takes
 * signed deliveries. They live in a scope of their own: only there is a JSON body kept as the bytes received,
 * since the signature covers those bytes and not a re-serialisation of them.
 */
export function metaWebhookRoutes<R extends TSchema>(app: App, hook: MetaWebhook<R>): void {
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>() as App;
    keepRawJsonBodies(scope, BODY_LIMIT);
    scope.get(
      hook.path,
      {
        config: { public: true, machine: true },
        schema: {
          tags: hook.tags,
          summary: `${hook.what}'s subscription check: answers hub.challenge when hub.verify_token is known`,
          querystring: HubVerifyQuery,
          produces: ['text/plain'],
          response: { 200: Type.String({ description: 'The challenge, as text/plain' }) },
        },
      },
      async (request, reply) => reply.type('text/plain; charset=utf-8').send(await hook.verify(request.query)),
    );
    scope.post(
      hook.path,
      {
        config: { public: true, machine: true },
        bodyLimit: BODY_LIMIT,
        schema: {
          tags: hook.tags,
          summary: hook.received.summary,
          headers: Type.Object({ 'x-hub-signature-256': Type.Optional(Type.String({ maxLength: 200 })) }),
          response: { 200: hook.received.response },
        },
      },
      // The answer's type is the caller's `received.response`, checked where the hook is declared.
      (request) => hook.receive(request.body as Buffer, request.headers['x-hub-signature-256'], request) as never,
    );
  });
}
