import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { rangePresets, reportGroups } from './catalog.ts';
import { charts, grains } from './semantic.ts';

const Key = Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9_.-]+$' });
const FilterValue = Type.Union([
  Type.String({ maxLength: 2000 }),
  Type.Number(),
  Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 }),
]);
const Filters = Type.Record(Type.String({ maxLength: 80 }), FilterValue, {
  maxProperties: 40,
  description: 'The lead list’s filters (as on GET /leads), for subjects about leads',
});
const ChartKind = Type.Enum(charts, { description: 'How the report is drawn' });

export const Definition = Type.Object(
  {
    subject: Key,
    measures: Type.Array(Key, {
      minItems: 1,
      maxItems: 8,
      description: 'Measures of the subject (GET /reports/model)',
    }),
    groupBy: Type.Optional(
      Type.Array(Key, {
        maxItems: 8,
        description: `Up to three dimensions; a time as <timeField>.<grain> (${grains.join(', ')})`,
      }),
    ),
    filters: Type.Optional(Filters),
    timeField: Type.Optional(Key),
    chart: Type.Optional(ChartKind),
  },
  { $id: 'ReportDefinition', additionalProperties: false },
);
export type DefinitionInput = Static<typeof Definition>;

const DateOnly = Type.String({ maxLength: 10, description: 'A date (YYYY-MM-DD) in the company’s time zone' });

export const RunBody = Type.Object(
  {
    report: Type.Union([Type.String({ minLength: 1, maxLength: 80 }), Definition], {
      description: 'A report key (GET /reports) or a definition',
    }),
    from: Type.Optional(DateOnly),
    to: Type.Optional(DateOnly),
    filters: Type.Optional(Filters),
    groupBy: Type.Optional(Type.Array(Key, { maxItems: 8, description: 'Replaces the report’s groupings' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, description: 'Rows per page (default 500)' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);
export type RunInputBody = Static<typeof RunBody>;

export const ExportBody = Type.Object(
  { ...RunBody.properties, format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]) },
  { additionalProperties: false },
);

const Cell = Type.Union([Type.String(), Type.Number(), Type.Null()]);
const Drill = Type.Object(
  {
    list: Type.Union([Type.Literal('leads'), Type.Literal('activities')]),
    query: Type.Record(Type.String(), Type.String(), {
      description: 'Query parameters for GET /leads or GET /activities: the records behind the figure',
    }),
  },
  { additionalProperties: false },
);

export const RunResult = Type.Object(
  {
    report: Type.Object(
      {
        key: Nullable(Type.String()),
        name: Type.String(),
        subject: Type.String(),
        chart: ChartKind,
        group: Nullable(Type.String()),
        description: Nullable(Type.String()),
      },
      { additionalProperties: false },
    ),
    columns: Type.Array(
      Type.Object(
        {
          key: Type.String(),
          label: Type.String(),
          role: Type.Union([Type.Literal('dimension'), Type.Literal('measure')]),
          format: Type.String({
            description:
              'Dimensions: text, user, partner, stage, source, tag or a time grain. Measures: count, money (company ' +
              'currency), percent (a fraction), seconds, number, datetime',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    rows: Type.Array(
      Type.Object(
        {
          values: Type.Record(Type.String(), Cell),
          labels: Type.Record(Type.String(), Type.String()),
          drill: Type.Record(Type.String(), Drill),
        },
        { additionalProperties: false },
      ),
    ),
    total: Type.Integer({ description: 'Rows of the report (every page)' }),
    limit: Type.Integer(),
    offset: Type.Integer(),
    totals: Type.Record(Type.String(), Cell, { description: 'Each measure over every row of the window' }),
    generatedAt: Type.String({ format: 'date-time' }),
    engine: Type.Union([Type.Literal('postgres'), Type.Literal('clickhouse')], {
      description: 'Where the figures were computed: ClickHouse when configured and able to answer, else PostgreSQL',
    }),
    engineNote: Type.Optional(
      Type.String({ description: 'Why a report ClickHouse would have answered was answered by PostgreSQL' }),
    ),
    rollup: Type.Optional(
      Type.Boolean({
        description: "True when PostgreSQL answered from the leads' monthly rollup instead of reading every lead",
      }),
    ),
    currency: Type.String(),
    locale: Type.String(),
    timeZone: Type.String(),
    from: Nullable(Type.String()),
    to: Nullable(Type.String()),
  },
  { $id: 'ReportResult', additionalProperties: false },
);

export const ReportSummary = Type.Object(
  {
    key: Type.String(),
    name: Type.String(),
    group: Type.String({ description: `${Object.keys(reportGroups).join(', ')}, or saved` }),
    description: Type.String(),
    subject: Type.String(),
    chart: ChartKind,
    range: Type.String({ description: `The default window: ${rangePresets.join(', ')}` }),
    saved: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const SavedReport = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    definition: Definition,
    shared: Type.Boolean(),
    ownerId: Type.String({ format: 'uuid' }),
    ownerName: Type.String(),
    editable: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'SavedReport', additionalProperties: false },
);

const Name = Type.String({ minLength: 1, maxLength: 120 });
export const CreateSavedBody = Type.Object(
  { name: Name, definition: Definition, shared: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const UpdateSavedBody = Type.Object(
  { name: Type.Optional(Name), definition: Type.Optional(Definition), shared: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

export const Model = Type.Object(
  {
    subjects: Type.Array(
      Type.Object(
        {
          key: Type.String(),
          label: Type.String(),
          description: Type.String(),
          timeFields: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
          defaultTime: Nullable(Type.String()),
          grains: Type.Array(Type.String()),
          dimensions: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), kind: Type.String() })),
          measures: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), format: Type.String() })),
          filters: Type.Boolean({ description: 'Takes the lead list’s filters' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const EngineStatus = Type.Object(
  {
    engine: Type.Union([Type.Literal('postgres'), Type.Literal('clickhouse')]),
    configured: Type.Boolean({ description: 'Whether CLICKHOUSE_URL is set' }),
    reachable: Type.Boolean({ description: 'Whether ClickHouse answered just now' }),
    pending: Type.Integer({ description: 'Changes waiting in the outbox to reach ClickHouse' }),
    lagSeconds: Type.Integer({ description: 'Age of the oldest change not yet in ClickHouse (0: none waiting)' }),
  },
  { $id: 'ReportEngine', additionalProperties: false },
);
