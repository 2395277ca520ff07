import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { leadSources } from '../leads/index.ts';
import { authKinds, fileFormats, paginationKinds } from './extractor.http.ts';
import { transforms } from './extractor.mapping.ts';

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

const QueryParam = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.\\[\\]-]+$' });

export const AuthInput = Type.Object(
  {
    kind: Type.Enum(authKinds, { description: 'none, bearer (token), basic (user, password), header (name, value)' }),
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'Bearer: stored sealed' })),
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Basic: the user name' })),
    password: Type.Optional(Type.String({ maxLength: 500, description: 'Basic: stored sealed' })),
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
        description: 'Header name',
      }),
    ),
    value: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'Header: stored sealed' })),
  },
  {
    additionalProperties: false,
    description: 'How the URL is authenticated. Omit the secret in a change to keep the stored one (same kind)',
  },
);
export type AuthInput = Static<typeof AuthInput>;

export const Pagination = Type.Object(
  {
    kind: Type.Enum(paginationKinds, {
      description: 'none; page (number); offset; cursor (next cursor at nextPath); link (Link: rel="next")',
    }),
    param: Type.Optional(QueryParam),
    start: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'The first page number' })),
    nextPath: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Cursor: where the next is' })),
    sizeParam: Type.Optional(QueryParam),
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'The page size asked for' })),
  },
  { additionalProperties: false },
);

const settings = {
  name: Type.String({ minLength: 1, maxLength: 120 }),
  kind: Type.Union([Type.Literal('mysql'), Type.Literal('postgres'), Type.Literal('http'), Type.Literal('file')], {
    description: 'MySQL/MariaDB, PostgreSQL, an HTTP JSON API, or a CSV/XLSX file at a URL',
  }),
  host: Type.String({ minLength: 1, maxLength: 253, description: 'Databases' }),
  port: Type.Integer({ minimum: 1, maximum: 65535, description: 'Databases' }),
  user: Type.String({ minLength: 1, maxLength: 120, description: 'Databases' }),
  database: Type.String({ minLength: 1, maxLength: 120, description: 'Databases' }),
  query: Type.String({
    minLength: 1,
    maxLength: 20000,
    description: 'Databases: one SELECT, the cursor in its output',
  }),
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'APIs and files: an http(s) URL' }),
  method: Type.Literal('GET', { description: 'APIs and files: the method (GET)' }),
  auth: AuthInput,
  recordsPath: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'APIs: where the list of records is in the body (data.items), or $ for the body itself',
  }),
  pagination: Pagination,
  cursorParam: Nullable(QueryParam, {
    description: 'APIs: the query parameter the last cursor value is sent in (e.g. updated_since)',
  }),
  format: Type.Enum(fileFormats, { description: 'Files: csv or xlsx' }),
  delimiter: Type.String({ minLength: 1, maxLength: 1, description: 'Files: the CSV delimiter (default ,)' }),
  cursorColumn: Nullable(
    Type.String({ minLength: 1, maxLength: 200, description: 'A column (a field, for APIs) whose value grows' }),
    { description: 'Required for databases; optional for APIs and files (without one, every run reads all)' },
  ),
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
const Password = Type.String({ maxLength: 500, description: 'Databases: stored sealed; never returned' });

export const CreateSourceBody = Type.Object(
  {
    name: settings.name,
    kind: settings.kind,
    host: Type.Optional(settings.host),
    port: Type.Optional(settings.port),
    user: Type.Optional(settings.user),
    database: Type.Optional(settings.database),
    password: Type.Optional(Password),
    query: Type.Optional(settings.query),
    url: Type.Optional(settings.url),
    method: Type.Optional(settings.method),
    auth: Type.Optional(settings.auth),
    recordsPath: Type.Optional(settings.recordsPath),
    pagination: Type.Optional(settings.pagination),
    cursorParam: Type.Optional(settings.cursorParam),
    format: Type.Optional(settings.format),
    delimiter: Type.Optional(settings.delimiter),
    cursorColumn: Type.Optional(settings.cursorColumn),
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
  host: Nullable(Type.String()),
  port: Nullable(Type.Integer()),
  user: Nullable(Type.String()),
  database: Nullable(Type.String()),
  hasPassword: Type.Boolean({ description: 'Whether a secret is stored (a database password, a token, …)' }),
  query: Nullable(Type.String()),
  url: Nullable(Type.String()),
  method: Nullable(Type.String()),
  auth: Nullable(
    Type.Object({
      kind: Type.Enum(authKinds),
      user: Nullable(Type.String()),
      name: Nullable(Type.String()),
      hasSecret: Type.Boolean(),
    }),
  ),
  recordsPath: Nullable(Type.String()),
  pagination: Nullable(Pagination),
  cursorParam: Nullable(Type.String()),
  format: Nullable(Type.String({ description: 'csv or xlsx' })),
  delimiter: Nullable(Type.String()),
  cursorColumn: Nullable(Type.String()),
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
