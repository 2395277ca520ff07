import { type Static, Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });
const Digits = (description: string) => Type.String({ pattern: '^[0-9]{1,32}$', description });
const NoSpaces = '^\\S+$';

export const SettingsBody = Type.Object(
  {
    phoneNumberId: Digits('The WhatsApp phone number id (Meta app > WhatsApp > API setup), not the number itself'),
    wabaId: Type.Optional(Nullable(Digits('The WhatsApp Business Account id'))),
    accessToken: Type.Optional(
      Type.String({
        minLength: 10,
        maxLength: 2048,
        pattern: NoSpaces,
        description: 'A system user access token; write-only, stored encrypted. Required the first time.',
      }),
    ),
    appSecret: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 256,
        pattern: NoSpaces,
        description:
          "The Meta app's secret, which signs webhooks; write-only, stored encrypted. Required the first time.",
      }),
    ),
    verifyToken: Type.String({
      minLength: 8,
      maxLength: 200,
      pattern: NoSpaces,
      description: 'Any text you choose and also enter in the Meta app webhook settings',
    }),
    apiBaseUrl: Type.Optional(
      Type.String({
        maxLength: 300,
        description: 'Graph API base, default https://graph.facebook.com/v21.0; https (http only for localhost)',
      }),
    ),
    createLeadsFromUnknown: Type.Optional(
      Type.Boolean({ description: 'A message from a number no lead has creates a lead (source whatsapp)' }),
    ),
  },
  { additionalProperties: false },
);
export type SettingsInput = Static<typeof SettingsBody>;

export const Settings = Type.Object(
  {
    connected: Type.Boolean({ description: 'false until settings are saved; sending needs them' }),
    phoneNumberId: Nullable(Type.String()),
    wabaId: Nullable(Type.String()),
    apiBaseUrl: Type.String(),
    verifyToken: Nullable(Type.String()),
    accessTokenSet: Type.Boolean(),
    appSecretSet: Type.Boolean(),
    createLeadsFromUnknown: Type.Boolean(),
    webhookUrl: Type.String({ description: 'The callback URL to enter in the Meta app (same for every company)' }),
    updatedAt: Nullable(Time),
  },
  { additionalProperties: false },
);

export const ConnectionCheck = Type.Object(
  {
    ok: Type.Boolean(),
    displayPhoneNumber: Nullable(Type.String()),
    verifiedName: Nullable(Type.String()),
    qualityRating: Nullable(Type.String()),
    error: Nullable(
      Type.Object({ httpStatus: Nullable(Type.Integer()), code: Nullable(Type.Integer()), message: Type.String() }),
    ),
  },
  { additionalProperties: false },
);

export const SendBody = Type.Object(
  {
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'A text message' })),
    previewUrl: Type.Optional(Type.Boolean({ description: 'Show a preview of the first link in the text' })),
    templateName: Type.Optional(
      Type.String({ pattern: '^[a-z0-9_]{1,512}$', description: 'An approved template (instead of text)' }),
    ),
    language: Type.Optional(
      Type.String({ pattern: '^[a-z]{2,3}(_[A-Z]{2})?$', description: "The template's language, default en_US" }),
    ),
    params: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), {
        maxItems: 20,
        description: "Values of the template body's {{1}}, {{2}}, ... in order",
      }),
    ),
    phone: Type.Optional(
      Type.String({ minLength: 1, maxLength: 40, description: "One of the lead's numbers; default its first" }),
    ),
  },
  { additionalProperties: false, description: 'Either `text` or `templateName` (with `language` and `params`)' },
);
export type SendInput = Static<typeof SendBody>;

const PersonRef = Type.Object({ id: Uuid, name: Type.String() });
const Status = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('sent'),
    Type.Literal('delivered'),
    Type.Literal('read'),
    Type.Literal('failed'),
    Type.Literal('received'),
  ],
  { description: 'queued, sent, delivered, read or failed (outbound); received (inbound)' },
);

export const MessageError = Type.Object({
  code: Nullable(Type.Integer({ description: "WhatsApp's error code, e.g. 131047" })),
  title: Type.String(),
  detail: Nullable(Type.String()),
});

export const Message = Type.Object(
  {
    id: Uuid,
    leadId: Nullable(Uuid),
    direction: Type.Union([Type.Literal('outbound'), Type.Literal('inbound')]),
    type: Type.String({ description: 'text, template, or what the customer sent: image, document, location, ...' }),
    phone: Nullable(Type.String({ description: "The customer's number (E.164); null when your role may not see it" })),
    contactName: Nullable(Type.String({ description: "The customer's WhatsApp profile name (inbound)" })),
    text: Nullable(Type.String({ description: 'The text, or the caption of media' })),
    template: Nullable(
      Type.Object({ name: Type.String(), language: Type.String(), params: Type.Array(Type.String()) }),
    ),
    content: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'The typed part of inbound media' })),
    status: Status,
    wamid: Nullable(Type.String({ description: "WhatsApp's message id" })),
    error: Nullable(MessageError, {
      description: 'Why it failed; on a queued message, why the last attempt failed (it will be tried again)',
    }),
    attempts: Type.Integer(),
    sentBy: Nullable(PersonRef),
    at: Time,
    sentAt: Nullable(Time),
    deliveredAt: Nullable(Time),
    readAt: Nullable(Time),
    failedAt: Nullable(Time),
  },
  { additionalProperties: false },
);

export const ThreadQuery = Type.Object({ limit: Limit, cursor: Cursor(200) }, { additionalProperties: false });

export const Thread = Type.Object(
  {
    data: Type.Array(Message, { description: 'Newest first' }),
    nextCursor: Nullable(Type.String()),
    connected: Type.Boolean({ description: 'Whether the company has WhatsApp set up (sending needs it)' }),
    windowEndsAt: Nullable(Time, {
      description:
        "The lead's last message + 24 h: until then any text may be sent; after it only templates (null: never wrote)",
    }),
  },
  { additionalProperties: false },
);

export const UnattachedQuery = Type.Object({ limit: Limit }, { additionalProperties: false });

export const Unattached = Type.Object(
  {
    data: Type.Array(
      Type.Object(
        {
          phone: Type.String(),
          contactName: Nullable(Type.String()),
          messages: Type.Integer(),
          lastText: Nullable(Type.String()),
          lastType: Type.String(),
          lastAt: Time,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const AttachBody = Type.Object(
  {
    phone: Type.String({ minLength: 1, maxLength: 40, description: 'The number, as the unattached list shows it' }),
    leadId: Uuid,
  },
  { additionalProperties: false },
);

export const AttachResult = Type.Object({ attached: Type.Integer() }, { additionalProperties: false });
