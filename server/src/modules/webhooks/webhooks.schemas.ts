import { type Static, Type } from 'typebox';
import { Cursor, Nullable } from '../../http/schemas.ts';
import { eventTypes } from './webhooks.events.ts';

const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'Where messages are POSTed: an http or https URL (https is advised; the body is signed either way)',
});
const Description = Type.String({ maxLength: 500, description: 'What the endpoint is for (default empty)' });
const EventTypes = Type.Array(
  Type.Union(
    eventTypes.map((e) => Type.Literal(e)),
    { description: `One of: ${eventTypes.join(', ')}` },
  ),
  { minItems: 1, maxItems: eventTypes.length, uniqueItems: true, description: 'The events the endpoint receives' },
);
const Filter = Type.Object(
  {
    stage: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: 'The lead’s stage key' })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: 'The lead’s source' })),
    ownerId: Type.Optional(Type.String({ format: 'uuid', description: 'The lead’s owner' })),
  },
  {
    additionalProperties: false,
    description:
      'Only lead events whose lead has these values (each given field equal) are sent; other events are not ' +
      'filtered. Empty: every event of the subscribed types',
  },
);

export const CreateEndpointBody = Type.Object(
  {
    url: Url,
    description: Type.Optional(Description),
    eventTypes: EventTypes,
    filter: Type.Optional(Filter),
    enabled: Type.Optional(Type.Boolean({ description: 'Default true' })),
  },
  { additionalProperties: false },
);
export type CreateEndpointInput = Static<typeof CreateEndpointBody>;

export const UpdateEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Description),
    eventTypes: Type.Optional(EventTypes),
    filter: Type.Optional(Filter),
    enabled: Type.Optional(
      Type.Boolean({ description: 'false pauses deliveries (waiting ones are cancelled); true resumes' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateEndpointInput = Static<typeof UpdateEndpointBody>;

const Instant = Type.String({ format: 'date-time' });

const endpointFields = {
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  filter: Filter,
  enabled: Type.Boolean(),
  disabledReason: Nullable(Type.String(), { description: 'Why it was disabled by the system (410, 5 days failing)' }),
  previousSecretExpiresAt: Nullable(Instant, {
    description: 'Until then (24 h after a rotation) messages carry a signature with the previous secret too',
  }),
  failingSince: Nullable(Instant, { description: 'The first failure since the last success' }),
  lastSuccessAt: Nullable(Instant),
  lastFailureAt: Nullable(Instant),
  createdAt: Instant,
  updatedAt: Instant,
};

export const WebhookEndpoint = Type.Object(endpointFields, { $id: 'WebhookEndpoint', additionalProperties: false });

export const WebhookEndpointWithSecret = Type.Object(
  {
    ...endpointFields,
    secret: Type.String({
      description: 'The signing secret (`whsec_` and base64). Shown this once: store it now',
    }),
  },
  { additionalProperties: false },
);

const Attempt = Type.Object(
  {
    attempt: Type.Integer({ description: '1 for the first' }),
    at: Instant,
    request: Type.Object(
      { url: Type.String(), headers: Type.Record(Type.String(), Type.String()) },
      { additionalProperties: false },
    ),
    responseStatus: Nullable(Type.Integer(), { description: 'null when there was no answer (see error)' }),
    responseBody: Nullable(Type.String(), { description: 'The start of the answer (2,000 characters at most)' }),
    durationMs: Type.Integer(),
    error: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const WebhookDelivery = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    messageId: Type.String({ description: 'The `webhook-id` header: the same on every attempt and replay' }),
    eventType: Type.String(),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('succeeded'),
      Type.Literal('failed'),
      Type.Literal('cancelled'),
    ]),
    body: Type.String({ description: 'The JSON body sent, `{type, timestamp, data}`' }),
    attempts: Type.Integer(),
    nextAttemptAt: Nullable(Instant),
    lastStatus: Nullable(Type.Integer()),
    lastError: Nullable(Type.String()),
    createdAt: Instant,
    finishedAt: Nullable(Instant),
    attemptLog: Type.Array(Attempt),
  },
  { $id: 'WebhookDelivery', additionalProperties: false },
);

export const DeliveriesQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25, description: 'Page size' })),
    cursor: Cursor(),
  },
  { additionalProperties: false },
);

export const ReplaySinceBody = Type.Object(
  { since: Type.String({ format: 'date-time', description: 'Replays every failed delivery created since then' }) },
  { additionalProperties: false },
);

export const ReplayResult = Type.Object(
  { replayed: Type.Integer(), deliveryIds: Type.Array(Type.String({ format: 'uuid' })) },
  { additionalProperties: false },
);
