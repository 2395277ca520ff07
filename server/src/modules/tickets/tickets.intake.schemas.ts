import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';

const DateTime = Type.String({ format: 'date-time' });

// --- the public support form -----------------------------------------------------------------------------------

export const SupportForm = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Off: the hosted page and the submit URL answer 404' }),
    key: Nullable(Type.String({ format: 'uuid' }), {
      description: 'The public key naming the company; null until set up',
    }),
    thankYou: Type.String(),
    pageUrl: Nullable(Type.String({ description: 'The hosted support page to link to' })),
    submitUrl: Nullable(Type.String({ description: 'Where a page posts submissions (JSON or form-encoded)' })),
    embedHtml: Nullable(Type.String({ description: 'A self-contained HTML snippet to paste into a page' })),
    updatedAt: Nullable(DateTime),
  },
  { additionalProperties: false },
);

export const PutSupportFormBody = Type.Object(
  {
    enabled: Type.Boolean(),
    thankYou: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type PutSupportFormInput = Static<typeof PutSupportFormBody>;

export const SupportFormKeyParams = Type.Object(
  { key: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const PublicSupportForm = Type.Object(
  {
    companyName: Type.String(),
    submitUrl: Type.String(),
    fields: Type.Array(
      Type.Object(
        { name: Type.String(), label: Type.String(), type: Type.String(), required: Type.Boolean() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SupportSubmitResult = Type.Object(
  {
    message: Type.String(),
    reference: Nullable(Type.String({ description: 'The ticket the request opened or joined, e.g. T-1001' })),
  },
  { additionalProperties: false },
);

// --- the support mailbox ---------------------------------------------------------------------------------------

const security = ['tls', 'starttls', 'none'] as const;
export type MailboxSecurity = (typeof security)[number];

export const PutMailboxBody = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, description: '993 with tls, 143 with starttls' }),
    security: Type.Unsafe<MailboxSecurity>({
      type: 'string',
      enum: [...security],
      description: 'tls: TLS from the first byte; starttls: upgraded, and the upgrade is required; none: plain',
    }),
    username: Type.String({ minLength: 1, maxLength: 255 }),
    password: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1000, description: 'Write-only; left out, the stored one stays' }),
    ),
    folder: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'INBOX by default' })),
    enabled: Type.Boolean({ description: 'Read every two minutes while on' }),
  },
  { additionalProperties: false },
);
export type PutMailboxInput = Static<typeof PutMailboxBody>;

export const MailboxReject = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    uid: Type.Integer(),
    reason: Type.String(),
    rawSize: Type.Integer({ description: 'The message’s size in bytes' }),
    from: Nullable(Type.String()),
    subject: Nullable(Type.String()),
    at: DateTime,
  },
  { additionalProperties: false },
);

export const Mailbox = Type.Object(
  {
    configured: Type.Boolean(),
    host: Nullable(Type.String()),
    port: Nullable(Type.Integer()),
    security: Nullable(Type.String()),
    username: Nullable(Type.String()),
    passwordSet: Type.Boolean(),
    folder: Nullable(Type.String()),
    enabled: Type.Boolean(),
    lastPolledAt: Nullable(DateTime),
    lastUid: Nullable(Type.Integer({ description: 'The last message read (its UID in the folder)' })),
    lastError: Nullable(Type.String({ description: 'Why the last read failed; null when it worked' })),
    keptAside: Type.Array(MailboxReject, { description: 'Messages that could not be read, newest first (50)' }),
  },
  { additionalProperties: false },
);

export const MailboxTestResult = Type.Object(
  {
    ok: Type.Literal(true),
    folder: Type.String(),
    messages: Type.Integer({ description: 'Messages in the folder now' }),
  },
  { additionalProperties: false },
);
