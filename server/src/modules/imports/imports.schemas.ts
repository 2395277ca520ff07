import { type Static, Type } from 'typebox';
import { Cursor, Nullable } from '../../http/schemas.ts';
import { leadFields, leadSources } from '../leads/index.ts';

import { importEncodings, importFormats } from './imports.decode.ts';

const Uuid = Type.String({ format: 'uuid' });

/**
 * What a column can feed: the catalog's import targets, the name in parts (firstName, lastName), and `ignore`
 * (reads nothing). Custom fields are customFields.<key>.
 */
export const targetFields = [
  'firstName',
  'lastName',
  ...leadFields.flatMap((f) => (f.import && f.type !== 'jsonb' ? [f.import.target ?? f.key] : [])),
  'ignore',
];

export const Target = Type.String({
  pattern: `^(${targetFields.join('|')}|customFields\\.[a-z][a-z0-9_]{0,39})$`,
  description: `A lead field (${targetFields.join(', ')}) or customFields.<key>`,
});

const Header = Type.String({ minLength: 1, maxLength: 200 });

export const Mapping = Type.Object(
  {
    columns: Type.Record(Header, Type.Union([Target, Type.Array(Target, { minItems: 1, maxItems: 5 })]), {
      description:
        'Column header -> the field it feeds (or several). Several columns may feed name (joined with spaces in ' +
        'column order), email, phone, tags and notes; firstName and lastName make the name. Unlisted columns are ignored.',
    }),
    constants: Type.Optional(
      Type.Record(Target, Type.String({ maxLength: 2000 }), {
        description:
          'Values for rows whose own is blank, read like a cell (e.g. source: referral). A lostReason constant only goes on rows in a lost stage.',
      }),
    ),
    values: Type.Optional(
      Type.Object(
        {
          stage: Type.Optional(
            Type.Record(Header, Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }), {
              description: "The file's status values -> stage keys",
            }),
          ),
          source: Type.Optional(
            Type.Record(Header, Type.Union(leadSources.map((s) => Type.Literal(s))), {
              description: "The file's source values -> lead sources",
            }),
          ),
          owner: Type.Optional(Type.Record(Header, Uuid, { description: "The file's owner values -> user ids" })),
        },
        { additionalProperties: false },
      ),
    ),
    dateFormat: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('dmy'), Type.Literal('mdy'), Type.Literal('ymd')], {
        description:
          "How to read 05/03/2026: auto follows the company's locale (en-IN dmy, en-US mdy); ISO always reads",
      }),
    ),
    badValues: Type.Optional(
      Type.Union([Type.Literal('reject_row'), Type.Literal('skip_value')], {
        description:
          'A row with a bad value (an invalid email or phone, a number or date that does not read, an unknown ' +
          'option): reject_row (default) fails the row; skip_value imports it without that value and says which ' +
          'it dropped (dry run `dropped`, the result file). Name, stage, owner and required values are never dropped.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Mapping = Static<typeof Mapping>;

export const OnDuplicate = Type.Union([Type.Literal('create'), Type.Literal('skip'), Type.Literal('merge')], {
  description: "Overrides the company's import duplicate policy for this import",
});

export const UploadFields = Type.Object({
  format: Type.Optional(Type.Union(importFormats.map((f) => Type.Literal(f)))),
  delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 1 })),
  encoding: Type.Optional(Type.Union(importEncodings.map((e) => Type.Literal(e)))),
  mappingId: Type.Optional(Uuid),
});

const Counts = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  skipped: Type.Integer(),
  failed: Type.Integer(),
});

export const importStatuses = ['uploaded', 'queued', 'running', 'done', 'failed', 'undoing', 'undone'] as const;

export const ImportSummary = Type.Object(
  {
    id: Uuid,
    fileName: Type.String(),
    format: Type.String(),
    status: Type.Union(importStatuses.map((s) => Type.Literal(s))),
    progress: Type.Object({ rowsDone: Type.Integer(), totalRows: Type.Integer() }),
    counts: Counts,
    createdBy: Uuid,
    createdByName: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    startedAt: Nullable(Type.String({ format: 'date-time' })),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
    undoneAt: Nullable(Type.String({ format: 'date-time' })),
    error: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const ImportDetail = Type.Object(
  {
    ...ImportSummary.properties,
    fileSize: Type.Integer(),
    encoding: Nullable(Type.String()),
    delimiter: Nullable(Type.String()),
    headers: Type.Array(Type.String()),
    sample: Type.Array(Type.Array(Type.String()), { description: 'The first rows, cells in header order' }),
    columnValues: Type.Record(Type.String(), Nullable(Type.Array(Type.String())), {
      description: 'Up to 50 distinct values per column (null when it has more): what value maps map',
    }),
    parseFailures: Type.Integer({
      description: 'Rows the file could not give as records (ragged rows, bad JSON lines)',
    }),
    mapping: Nullable(Mapping),
    mappingId: Nullable(Uuid),
    suggestedMapping: Mapping,
    onDuplicate: Type.Union([Type.Literal('create'), Type.Literal('skip'), Type.Literal('merge'), Type.Null()]),
    useAssignmentRules: Type.Boolean(),
    undone: Type.Object(
      { trashed: Type.Integer(), reverted: Type.Integer() },
      { description: 'What undo took back so far: created leads moved to the trash, merged-into leads reverted' },
    ),
    dryRun: Nullable(
      Type.Object({
        at: Type.String({ format: 'date-time' }),
        create: Type.Integer(),
        update: Type.Integer(),
        skip: Type.Integer(),
        fail: Type.Integer(),
        duplicates: Type.Integer(),
      }),
    ),
  },
  { additionalProperties: false },
);

export const SetMappingBody = Type.Object(
  {
    mapping: Type.Optional(Mapping),
    mappingId: Type.Optional(Uuid),
    saveAs: Type.Optional(Type.String({ minLength: 1, maxLength: 120, description: 'Also save it under this name' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SetMappingInput = Static<typeof SetMappingBody>;

export const DryRunBody = Type.Object(
  {
    mapping: Type.Optional(Mapping),
    mappingId: Type.Optional(Uuid),
    onDuplicate: Type.Optional(OnDuplicate),
  },
  { additionalProperties: false },
);
export type DryRunInput = Static<typeof DryRunBody>;

export const RunBody = Type.Object(
  {
    mapping: Type.Optional(Mapping),
    mappingId: Type.Optional(Uuid),
    onDuplicate: Type.Optional(OnDuplicate),
    useAssignmentRules: Type.Optional(
      Type.Boolean({ description: 'Route leads without an owner by the assignment rules (default true)' }),
    ),
  },
  { additionalProperties: false },
);
export type RunInput = Static<typeof RunBody>;

const RowIssue = Type.Object({
  row: Type.Integer({
    description: 'Spreadsheet numbering for CSV and XLSX (the header is row 1); record number otherwise',
  }),
  outcome: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('skip'), Type.Literal('fail')]),
  errors: Type.Array(Type.Object({ field: Type.String(), column: Nullable(Type.String()), message: Type.String() })),
  dropped: Type.Array(
    Type.Object({
      field: Type.String(),
      column: Nullable(Type.String()),
      value: Nullable(Type.String({ description: 'The cell (or the item of it) left out' })),
      message: Type.String(),
    }),
    { description: 'badValues skip_value: the values the row is imported without, and why' },
  ),
  duplicates: Type.Array(
    Type.Object({
      leadId: Nullable(Uuid),
      name: Nullable(Type.String({ description: 'null for a lead you may not see' })),
      row: Nullable(Type.Integer({ description: 'The earlier row of this file it repeats' })),
      matchedOn: Type.Array(Type.String()),
    }),
  ),
});

export const DryRunResult = Type.Object({
  totalRows: Type.Integer(),
  create: Type.Integer(),
  update: Type.Integer(),
  skip: Type.Integer(),
  fail: Type.Integer(),
  duplicates: Type.Integer({ description: 'Rows matching an existing lead or an earlier row' }),
  policy: Type.String({
    description: 'What a duplicate does in this import: block, warn, allow, create, skip or merge',
  }),
  dropping: Type.Integer({ description: 'Rows to be imported without some of their values (badValues skip_value)' }),
  rows: Type.Array(RowIssue, { description: 'Rows with errors, dropped values or duplicates, at most 1,000' }),
  truncated: Type.Boolean(),
});

export const SavedMapping = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    mapping: Mapping,
    createdBy: Nullable(Uuid),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const SaveMappingBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 120 }), mapping: Mapping },
  { additionalProperties: false },
);

export const ListImportsQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(importStatuses.map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Cursor(200),
  },
  { additionalProperties: false },
);
