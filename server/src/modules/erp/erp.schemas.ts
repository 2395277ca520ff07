import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { connectorIds } from './connectors/index.ts';
import { policies, transforms } from './erp.mapping.ts';

const Iso = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });

export const MappingFieldSchema = Type.Object(
  {
    leadField: Type.String({ minLength: 1, maxLength: 120, description: 'A lead field (API name) or custom:<key>' }),
    erpField: Type.String({ minLength: 1, maxLength: 120, description: 'The connector’s customer field' }),
    policy: Type.Enum(policies, {
      description: 'The system of record: erp (the books win), iperform (we win), latest (the last change wins)',
    }),
    transform: Type.Optional(Type.Enum(transforms)),
    valueMap: Type.Optional(
      Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 200 }), {
        description: 'Lead value -> ERP value (read back the other way)',
      }),
    ),
  },
  { additionalProperties: false },
);

const Settings = Type.Record(Type.String(), Type.Unknown(), {
  description: 'The connector’s own settings (see GET /erp/connectors): host, company, realm, organization...',
});
const Secrets = Type.Record(Type.String({ maxLength: 60 }), Nullable(Type.String({ maxLength: 4000 })), {
  description: 'Passwords and client secrets by name (stored sealed, never returned); null removes one',
});
const Schedule = Nullable(
  Type.String({ minLength: 1, maxLength: 100, description: 'A cron expression on the company’s clock' }),
  { description: 'When it polls by itself (null: on demand and by notification only)' },
);

export const CreateConnectionBody = Type.Object(
  {
    connector: Type.Enum(connectorIds),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    settings: Settings,
    secrets: Type.Optional(Secrets),
    pushOnWon: Type.Optional(Type.Boolean({ description: 'A won lead becomes a customer (default true)' })),
    schedule: Type.Optional(Schedule),
    mapping: Type.Optional(Type.Array(MappingFieldSchema, { maxItems: 100 })),
  },
  { additionalProperties: false },
);
export type CreateConnectionInput = Static<typeof CreateConnectionBody>;

export const UpdateConnectionBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    settings: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Settings to change, key by key (null removes one)' }),
    ),
    secrets: Type.Optional(Secrets),
    pushOnWon: Type.Optional(Type.Boolean()),
    schedule: Type.Optional(Schedule),
    paused: Type.Optional(Type.Boolean({ description: 'Pause or resume pushing and reading' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateConnectionInput = Static<typeof UpdateConnectionBody>;

export const MappingBody = Type.Object(
  { fields: Type.Array(MappingFieldSchema, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);

export const Connection = Type.Object({
  id: Uuid,
  connector: Type.String(),
  connectorLabel: Type.String(),
  name: Type.String(),
  status: Type.Enum(['pending', 'connected', 'paused', 'broken']),
  statusReason: Nullable(Type.String()),
  settings: Type.Record(Type.String(), Type.Unknown()),
  secretsSet: Type.Array(Type.String(), { description: 'Which secrets are stored (never their values)' }),
  oauthConnected: Type.Boolean(),
  mapping: Type.Array(MappingFieldSchema),
  pushOnWon: Type.Boolean(),
  schedule: Nullable(Type.String()),
  nextRunAt: Nullable(Iso),
  notificationUrl: Nullable(Type.String({ description: 'Where the ERP posts change notifications' })),
  lastRunAt: Nullable(Iso),
  lastSuccessAt: Nullable(Iso),
  lastError: Nullable(Type.Object({ message: Type.String(), at: Nullable(Iso) })),
  stats: Type.Object({
    customersLinked: Type.Integer(),
    forReview: Type.Integer(),
    invoices: Type.Integer(),
    payments: Type.Integer(),
    openErrors: Type.Integer(),
    openConflicts: Type.Integer(),
  }),
  createdAt: Iso,
  updatedAt: Iso,
});

export const ConnectorInfo = Type.Object({
  id: Type.String(),
  label: Type.String(),
  oauth: Type.Boolean(),
  settings: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema of its settings' }),
  secretFields: Type.Array(Type.Object({ name: Type.String(), label: Type.String(), required: Type.Boolean() })),
  reads: Type.Array(Type.String()),
  writes: Type.Array(Type.String()),
  customerFields: Type.Array(
    Type.Object({
      name: Type.String(),
      label: Type.String(),
      type: Type.String(),
      required: Type.Boolean(),
    }),
  ),
  defaultMapping: Type.Array(MappingFieldSchema),
  leadFields: Type.Array(Type.Object({ key: Type.String(), label: Type.String() }), {
    description: 'The lead fields a mapping may use (custom fields included, as custom:<key>)',
  }),
});

export const CheckResult = Type.Object({ ok: Type.Boolean(), detail: Type.String() });

export const Run = Type.Object({
  id: Uuid,
  connectionId: Uuid,
  kind: Type.Enum(['sync', 'push', 'consistency']),
  trigger: Type.String(),
  status: Type.Enum(['queued', 'running', 'succeeded', 'failed']),
  phase: Nullable(Type.String({ description: 'What a running run is doing (customers, invoices, payments)' })),
  counts: Type.Record(Type.String(), Type.Integer()),
  error: Nullable(Type.String()),
  createdAt: Iso,
  startedAt: Nullable(Iso),
  finishedAt: Nullable(Iso),
});

export const Drift = Type.Object({
  type: Type.Enum(['missing_in_erp', 'missing_in_iperform', 'not_pulled', 'differs']),
  externalId: Type.String(),
  leadId: Nullable(Uuid),
  leadName: Nullable(Type.String()),
  field: Nullable(Type.String()),
  ours: Type.Unknown(),
  theirs: Type.Unknown(),
  direction: Type.Enum(['to_erp', 'to_iperform', 'none']),
});

export const RunDetail = Type.Object({
  ...Run.properties,
  report: Nullable(Type.Object({ drift: Type.Array(Drift), truncated: Type.Boolean() })),
});

export const ErrorItem = Type.Object({
  id: Uuid,
  connectionId: Uuid,
  direction: Type.Enum(['push', 'pull']),
  entity: Type.String(),
  leadId: Nullable(Uuid),
  leadName: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
  kind: Type.String(),
  message: Type.String({ description: 'The ERP’s own message' }),
  vendorCode: Nullable(Type.String()),
  attempts: Type.Integer(),
  nextRetryAt: Nullable(Iso),
  status: Type.Enum(['open', 'resolved', 'skipped']),
  createdAt: Iso,
  updatedAt: Iso,
});

export const Conflict = Type.Object({
  id: Uuid,
  connectionId: Uuid,
  leadId: Uuid,
  leadName: Nullable(Type.String()),
  externalId: Type.String(),
  erpField: Type.String(),
  leadField: Type.String(),
  ours: Type.Unknown(),
  theirs: Type.Unknown(),
  base: Type.Unknown(),
  status: Type.Enum(['open', 'resolved']),
  resolution: Nullable(Type.String({ description: 'erp or iperform: whose value was taken' })),
  createdAt: Iso,
});

export const ResolveBody = Type.Object(
  { take: Type.Enum(['erp', 'iperform'], { description: 'Whose value wins' }) },
  { additionalProperties: false },
);

export const ReviewItem = Type.Object({
  externalId: Type.String(),
  fields: Type.Record(Type.String(), Type.Unknown()),
  candidates: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
  status: Type.Enum(['unmatched', 'ignored']),
  createdAt: Iso,
});

export const ReviewBody = Type.Object(
  {
    externalId: Type.String({ minLength: 1, maxLength: 200 }),
    action: Type.Enum(['link', 'ignore'], { description: 'Link the customer to a lead, or leave it unlinked' }),
    leadId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const SyncBody = Type.Object(
  { full: Type.Optional(Type.Boolean({ description: 'Read everything again from the start (default false)' })) },
  { additionalProperties: false },
);

export const ConsistencyBody = Type.Object(
  { repair: Type.Optional(Type.Boolean({ description: 'Repair the drift found in the direction of each policy' })) },
  { additionalProperties: false },
);

export const PushBody = Type.Object({ connectionId: Uuid }, { additionalProperties: false });

export const OAuthStart = Type.Object({ authorizeUrl: Type.String() });

const Money = Type.String({ description: 'A decimal amount, e.g. 1180.00' });
export const LeadErp = Type.Object({
  customers: Type.Array(
    Type.Object({
      connectionId: Uuid,
      connectionName: Type.String(),
      connector: Type.String(),
      externalId: Type.String(),
      deletedInErp: Type.Boolean(),
      syncedAt: Iso,
    }),
  ),
  invoices: Type.Array(
    Type.Object({
      id: Uuid,
      connectionName: Type.String(),
      externalId: Type.String(),
      number: Nullable(Type.String()),
      date: Type.String({ format: 'date' }),
      dueDate: Nullable(Type.String({ format: 'date' })),
      currency: Type.String(),
      total: Money,
      balance: Money,
      status: Nullable(Type.String()),
      lines: Type.Array(
        Type.Object({
          description: Nullable(Type.String()),
          quantity: Nullable(Type.Number()),
          rate: Nullable(Type.Number()),
          amount: Type.Number(),
        }),
      ),
    }),
  ),
  payments: Type.Array(
    Type.Object({
      id: Uuid,
      connectionName: Type.String(),
      externalId: Type.String(),
      reference: Nullable(Type.String()),
      date: Type.String({ format: 'date' }),
      currency: Type.String(),
      amount: Money,
      invoices: Type.Array(Type.String()),
    }),
  ),
  outstanding: Type.Array(Type.Object({ currency: Type.String(), amount: Money })),
});
