import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { leadSources } from '../leads/index.ts';
import { transforms } from './extractor.mapping.ts';

const Identifier = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' });

export const MappingEntry = Type.Object(
  {
    target: Type.String({ minLength: 1, maxLength: 120, description: 'A lead field, or customFields.<key>' }),
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 120, description: 'The column it reads' })),
    transform: Type.Optional(Type.Enum(transforms)),
    valueMap: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Source value -> lead value' })),
    constant: Type.Optional(Type.String({ maxLength: 500, description: 'A fixed value instead of a column' })),
    expression: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'A JSONata expression evaluated on the row' }),
    ),
  },
  { additionalProperties: false },
);

const settings = {
  name: Type.String({ minLength: 1, maxLength: 120 }),
  kind: Type.Union([Type.Literal('mysql'), Type.Literal('postgres')], { description: 'MySQL/MariaDB or PostgreSQL' }),
  host: Type.String({ minLength: 1, maxLength: 253 }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  user: Type.String({ minLength: 1, maxLength: 120 }),
  database: Type.String({ minLength: 1, maxLength: 120 }),
  query: Type.String({ minLength: 1, maxLength: 20000, description: 'One SELECT; the cursor column in its output' }),
  cursorColumn: Identifier,
  mapping: Type.Array(MappingEntry, { maxItems: 200 }),
  leadSource: Type.Enum(leadSources, { description: 'The source of the leads it creates (default erp)' }),
  onDuplicate: Type.Union([Type.Literal('skip'), Type.Literal('merge')], {
    description: 'A row matching a lead: skip it, or update (merge into) the lead. Default skip',
  }),
  batchSize: Type.Integer({ minimum: 1, maximum: 5000, description: 'Rows per committed batch (default 1000)' }),
  schedule: Nullable(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'A cron expression on the company’s clock, e.g. 0 * * * *',
    }),
    { description: 'When it runs by itself (null: on demand only)' },
  ),
};
const Password = Type.String({ maxLength: 500, description: 'Stored sealed; never returned' });

export const CreateSourceBody = Type.Object(
  {
    name: settings.name,
    kind: settings.kind,
    host: settings.host,
    port: settings.port,
    user: settings.user,
    database: settings.database,
    password: Type.Optional(Password),
    query: settings.query,
    cursorColumn: settings.cursorColumn,
    mapping: settings.mapping,
    leadSource: Type.Optional(settings.leadSource),
    onDuplicate: Type.Optional(settings.onDuplicate),
    batchSize: Type.Optional(settings.batchSize),
    schedule: Type.Optional(settings.schedule),
  },
  { additionalProperties: false },
);
export type CreateSourceInput = Static<typeof CreateSourceBody>;

export const UpdateSourceBody = Type.Partial(
  Type.Object({ ...settings, password: Nullable(Password), resetCursor: Type.Boolean() }),
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSourceInput = Static<typeof UpdateSourceBody>;

export const Source = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  kind: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  user: Type.String(),
  database: Type.String(),
  hasPassword: Type.Boolean(),
  query: Type.String(),
  cursorColumn: Type.String(),
  cursorValue: Nullable(Type.String(), { description: 'The last committed cursor value' }),
  mapping: Type.Array(MappingEntry),
  leadSource: Type.String(),
  onDuplicate: Type.String(),
  batchSize: Type.Integer(),
  schedule: Nullable(Type.String()),
  nextRunAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const Run = Type.Object({
  id: Type.String({ format: 'uuid' }),
  sourceId: Type.String({ format: 'uuid' }),
  status: Type.Enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  rowsRead: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  skipped: Type.Integer(),
  failed: Type.Integer(),
  progress: Type.Number({ description: '0-1: 1 once finished; while running, unknown totals read as 0.5' }),
  cursorFrom: Nullable(Type.String()),
  cursorTo: Nullable(Type.String()),
  error: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const RowError = Type.Object({
  id: Type.String({ format: 'uuid' }),
  runId: Type.String({ format: 'uuid' }),
  status: Type.Enum(['open', 'retried', 'skipped']),
  leadId: Nullable(Type.String({ format: 'uuid' })),
  cursorValue: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  reason: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const Preview = Type.Object({
  columns: Type.Array(Type.String()),
  rows: Type.Array(
    Type.Object({
      row: Type.Record(Type.String(), Type.Unknown()),
      lead: Nullable(Type.Record(Type.String(), Type.Unknown())),
      error: Nullable(Type.String()),
    }),
  ),
});

export const RunDetail = Type.Object({ ...Run.properties, rowErrors: Type.Array(RowError) });
