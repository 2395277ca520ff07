import { type Static, Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });
const Email = Type.String({ format: 'email', maxLength: 254 });
const PersonRef = Type.Object({ id: Uuid, name: Type.String() });
/** One header line: no line breaks (they would start a new header). */
const Line = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '^[^\\r\\n]*$', ...(description ? { description } : {}) });
const oneOf = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const securities = ['tls', 'starttls', 'none'] as const;
export const statuses = ['queued', 'sending', 'retrying', 'sent', 'failed'] as const;

// --- settings -----------------------------------------------------------------------------------------------

export const EmailSettings = Type.Object(
  {
    configured: Type.Boolean({ description: 'false until an admin sets up a server; sending answers 422 until then' }),
    host: Nullable(Type.String()),
    port: Nullable(Type.Integer()),
    security: Nullable(oneOf(securities)),
    username: Nullable(Type.String()),
    passwordSet: Type.Boolean({ description: 'The password itself is never returned' }),
    fromName: Nullable(Type.String()),
    fromAddress: Nullable(Type.String()),
    replyTo: Nullable(Type.String()),
    trackOpens: Type.Boolean(),
    trackClicks: Type.Boolean(),
    updatedAt: Nullable(Time),
    updatedBy: Nullable(PersonRef),
  },
  { additionalProperties: false },
);

export const PutSettingsBody = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      maxLength: 253,
      pattern: '^[A-Za-z0-9.:\\[\\]-]+$',
      description: 'e.g. email-smtp.eu-west-1.amazonaws.com, smtp.office365.com',
    }),
    port: Type.Integer({ minimum: 1, maximum: 65535, description: '465 with tls; 587 with starttls; 25 with none' }),
    security: oneOf(
      securities,
      'tls: TLS from the start (465); starttls: upgraded, and required (587, Office 365); none: no encryption',
    ),
    username: Type.Optional(Nullable(Line(320))),
    password: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 1000 }), {
        description: 'Write-only, stored encrypted. Leave out to keep the stored one; null removes it',
      }),
    ),
    fromName: Line(120),
    fromAddress: Email,
    replyTo: Type.Optional(Nullable(Email)),
    trackOpens: Type.Optional(Type.Boolean({ default: true })),
    trackClicks: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type PutSettingsInput = Static<typeof PutSettingsBody>;

export const TestBody = Type.Object({ to: Email }, { additionalProperties: false });
export const TestResult = Type.Object(
  {
    ok: Type.Boolean(),
    serverReply: Type.String({ description: "The server's final answer, e.g. `250 Ok: queued as ...`" }),
    accepted: Type.Array(Type.String()),
    rejected: Type.Array(Type.String()),
    messageId: Type.String(),
  },
  { additionalProperties: false },
);

export const Signature = Type.Object(
  {
    phone: Nullable(Type.String({ description: 'Shown by {{ sender.phone }} and {{ owner.phone }}' })),
    html: Nullable(Type.String({ description: 'Appended to the emails you send to leads' })),
    updatedAt: Nullable(Time),
  },
  { additionalProperties: false },
);
export const PutSignatureBody = Type.Object(
  {
    phone: Nullable(Type.String({ maxLength: 40, pattern: '^[0-9+() .-]*$' })),
    html: Nullable(Type.String({ maxLength: 10_000 })),
  },
  { additionalProperties: false },
);

export const Variable = Type.Object({ name: Type.String(), label: Type.String(), example: Type.String() });

// --- templates ----------------------------------------------------------------------------------------------

const templateContent = {
  subject: Type.String({
    minLength: 1,
    maxLength: 1000,
    description: 'Liquid, e.g. `Your quote, {{ lead.firstName }}`',
  }),
  html: Type.Optional(
    Nullable(Type.String({ minLength: 1, maxLength: 200_000, description: 'Liquid; every output is HTML-escaped' })),
  ),
  text: Type.Optional(
    Nullable(Type.String({ minLength: 1, maxLength: 200_000, description: 'Liquid; derived from html when absent' })),
  ),
};

export const Template = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    scope: oneOf(['company', 'personal'] as const),
    owner: Nullable(PersonRef, { description: 'Whose personal template it is; null for company templates' }),
    subject: Type.String(),
    html: Nullable(Type.String()),
    text: Nullable(Type.String()),
    editable: Type.Boolean({ description: 'Whether the caller may change or delete it' }),
    createdBy: Nullable(PersonRef),
    createdAt: Time,
    updatedAt: Time,
  },
  { additionalProperties: false },
);

export const CreateTemplateBody = Type.Object(
  {
    name: Line(120),
    scope: Type.Optional(
      oneOf(
        ['company', 'personal'] as const,
        'personal (default): only you see it; company: everyone (admins and managers)',
      ),
    ),
    ...templateContent,
  },
  { additionalProperties: false },
);
export type CreateTemplateInput = Static<typeof CreateTemplateBody>;

export const UpdateTemplateBody = Type.Object(
  {
    name: Type.Optional(Line(120)),
    subject: Type.Optional(templateContent.subject),
    html: templateContent.html,
    text: templateContent.text,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTemplateInput = Static<typeof UpdateTemplateBody>;

export const ListTemplatesQuery = Type.Object(
  {
    scope: Type.Optional(oneOf(['company', 'personal'] as const)),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name' })),
  },
  { additionalProperties: false },
);

// --- preview and send ---------------------------------------------------------------------------------------

const overrides = {
  templateId: Type.Optional(Uuid),
  subject: Type.Optional(templateContent.subject),
  html: templateContent.html,
  text: templateContent.text,
};

const SignatureFlag = Type.Optional(
  Type.Boolean({ default: true, description: 'Append your email signature (if you have one)' }),
);

export const PreviewBody = Type.Object(
  { leadId: Uuid, ...overrides, signature: SignatureFlag },
  {
    additionalProperties: false,
    description: 'A template (templateId), your own subject and html/text, or a template with some parts replaced',
  },
);
export type PreviewInput = Static<typeof PreviewBody>;

export const Preview = Type.Object(
  {
    subject: Type.String(),
    html: Nullable(Type.String()),
    text: Type.String(),
    to: Type.Array(Type.String(), { description: "Who it would go to by default: the lead's first email" }),
  },
  { additionalProperties: false },
);

const Recipients = (description: string, minItems = 0) =>
  Type.Optional(Type.Array(Email, { minItems, maxItems: 20, uniqueItems: true, description }));

export const SendBody = Type.Object(
  {
    ...overrides,
    to: Recipients("Default: the lead's first email address", 1),
    cc: Recipients('Copies'),
    bcc: Recipients('Blind copies'),
    signature: SignatureFlag,
  },
  {
    additionalProperties: false,
    description:
      'A template (templateId), or subject with html and/or text, or a template with some parts replaced. All are Liquid.',
  },
);
export type SendInput = Static<typeof SendBody>;

export const EmailMessage = Type.Object(
  {
    id: Uuid,
    purpose: oneOf(['lead', 'system'] as const, 'lead: sent to a lead; system: to a user (reminders)'),
    leadId: Nullable(Uuid),
    sender: Nullable(PersonRef, { description: 'Who sent it; null when the system did' }),
    from: Nullable(Type.Object({ name: Nullable(Type.String()), address: Type.String() })),
    replyTo: Nullable(Type.String()),
    to: Type.Array(Type.String()),
    cc: Type.Array(Type.String()),
    bcc: Type.Array(Type.String()),
    subject: Type.String(),
    html: Nullable(Type.String()),
    text: Type.String(),
    template: Nullable(Type.Object({ id: Nullable(Uuid), name: Type.String() })),
    status: oneOf(
      statuses,
      'queued, sending, retrying (after a failure; see lastError and nextAttemptAt), sent, failed',
    ),
    attempts: Type.Integer(),
    errorCode: Nullable(Type.String({ description: 'e.g. smtp_unreachable, smtp_auth_failed, email_not_configured' })),
    lastError: Nullable(Type.String()),
    serverReply: Nullable(Type.String({ description: "The SMTP server's last answer" })),
    messageId: Type.String({ description: 'The Message-ID header' }),
    nextAttemptAt: Nullable(Time),
    queuedAt: Time,
    sentAt: Nullable(Time),
    failedAt: Nullable(Time),
    tracking: Type.Object({ opens: Type.Boolean(), clicks: Type.Boolean() }),
    opens: Type.Object({ count: Type.Integer(), firstAt: Nullable(Time), lastAt: Nullable(Time) }),
    clicks: Type.Object({ count: Type.Integer(), firstAt: Nullable(Time), lastAt: Nullable(Time) }),
    links: Type.Array(Type.Object({ url: Type.String(), clicks: Type.Integer() }), {
      description: 'The tracked links, with their clicks',
    }),
  },
  { additionalProperties: false },
);

export const PageQuery = Type.Object({ limit: Limit, cursor: Cursor(200) }, { additionalProperties: false });

export const ListMessagesQuery = Type.Object(
  {
    limit: Limit,
    cursor: Cursor(200),
    status: Type.Optional(
      Type.String({ maxLength: 100, description: 'Comma-separated, e.g. `failed,retrying` (the outbox to look at)' }),
    ),
    purpose: Type.Optional(oneOf(['lead', 'system'] as const)),
  },
  { additionalProperties: false },
);

export const TokenParams = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
