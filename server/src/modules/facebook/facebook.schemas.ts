import { type Static, Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';

const Time = Type.String({ format: 'date-time' });
const GraphId = (description: string) => Type.String({ pattern: '^[0-9]{1,32}$', description });
const Secret = (description: string) => Type.String({ minLength: 8, maxLength: 1000, pattern: '^\\S+$', description });

/** The form's Meta id: digits (checked by the service, after the body, so a bad body is named first). */
export const FormIdParams = Type.Object(
  { formId: Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$', description: "The lead form's Meta id (digits)" }) },
  { additionalProperties: false },
);

export const ConnectBody = Type.Object(
  {
    pageId: GraphId("The Facebook Page's id (Page settings, About, Page transparency)"),
    pageName: Type.String({ minLength: 1, maxLength: 200 }),
    accessToken: Secret('A Page access token with leads_retrieval (write-only: never shown again)'),
    appSecret: Secret("The Meta app's secret, which signs the webhooks (write-only)"),
  },
  { additionalProperties: false },
);
export type ConnectInput = Static<typeof ConnectBody>;

export const UpdateBody = Type.Object(
  {
    pageName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    accessToken: Type.Optional(
      Secret('A new Page access token: a broken connection is repaired and its waiting leads fetched'),
    ),
    appSecret: Type.Optional(Secret('A new app secret')),
    newVerifyToken: Type.Optional(Type.Boolean({ description: 'true: generate a new verify token' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateInput = Static<typeof UpdateBody>;

export const Connection = Type.Object({
  id: Type.String({ format: 'uuid' }),
  pageId: Type.String(),
  pageName: Type.String(),
  status: Type.String({ description: 'connected, or broken (the token was refused: save a new one)' }),
  lastError: Nullable(Type.String()),
  lastErrorAt: Nullable(Time),
  lastSuccessAt: Nullable(Time),
  webhookUrl: Type.String({ description: 'Paste into the Meta app: Webhooks, Page, Callback URL' }),
  verifyToken: Nullable(
    Type.String({ description: 'Paste into the Meta app beside the callback URL (managers only)' }),
  ),
  accessTokenSet: Type.Boolean(),
  appSecretSet: Type.Boolean(),
  pendingEvents: Type.Integer({ description: 'Leads waiting to be fetched' }),
  createdAt: Time,
  updatedAt: Time,
});

export const EventsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union(['pending', 'created', 'merged', 'skipped', 'failed', 'malformed'].map((s) => Type.Literal(s))),
    ),
    limit: Limit,
    cursor: Cursor(),
  },
  { additionalProperties: false },
);
export type EventsQueryInput = Static<typeof EventsQuery>;

export const Event = Type.Object({
  id: Type.String({ format: 'uuid' }),
  via: Type.String({ description: 'webhook or backfill' }),
  status: Type.String({ description: 'pending, created, merged, skipped, failed or malformed' }),
  leadgenId: Nullable(Type.String()),
  pageId: Nullable(Type.String()),
  formId: Nullable(Type.String()),
  adId: Nullable(Type.String()),
  createdTime: Nullable(Time),
  leadId: Nullable(Type.String({ format: 'uuid' })),
  adName: Nullable(Type.String()),
  campaignName: Nullable(Type.String()),
  formName: Nullable(Type.String()),
  error: Nullable(Type.String()),
  attempts: Type.Integer(),
  receivedAt: Time,
  processedAt: Nullable(Time),
});

const Target = Type.String({
  maxLength: 120,
  pattern:
    '^(name|firstName|lastName|companyName|email|phone|campaign|product|city|state|country|territory|notes|customFields\\.[a-z][a-z0-9_]{0,59})$',
  description: 'A lead field (name, firstName, lastName, email, phone, city, ...) or customFields.<key>',
});

export const MappingBody = Type.Object(
  {
    fields: Type.Array(
      Type.Object(
        {
          key: Type.String({ minLength: 1, maxLength: 200, description: "The question's key in the form" }),
          target: Nullable(Target, { description: "null: kept on the lead's timeline only" }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
    connectionId: Type.Optional(
      Type.String({ format: 'uuid', description: 'The page connection of a form not seen yet' }),
    ),
  },
  { additionalProperties: false },
);
export type MappingInput = Static<typeof MappingBody>;

export const Mapping = Type.Object({
  formId: Type.String(),
  formName: Nullable(Type.String()),
  connectionId: Type.String({ format: 'uuid' }),
  suggested: Type.Boolean({ description: 'true: nobody saved a mapping; this one is suggested from the keys' }),
  fields: Type.Array(Type.Object({ key: Type.String(), target: Nullable(Type.String()) })),
});

export const BackfillBody = Type.Object(
  {
    connectionId: Type.Optional(
      Type.String({ format: 'uuid', description: 'The page connection of a form not seen yet' }),
    ),
  },
  { additionalProperties: false },
);

export const Backfill = Type.Object({
  formId: Type.String(),
  status: Type.String({ description: 'idle, running, paused (token refused), done or failed' }),
  pages: Type.Integer(),
  fetched: Type.Integer(),
  created: Type.Integer(),
  error: Nullable(Type.String()),
  startedAt: Nullable(Time),
  finishedAt: Nullable(Time),
});
