import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';

const FilterValue = Type.Union([
  Type.String({ maxLength: 2000 }),
  Type.Number(),
  Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 }),
]);
const Filters = Type.Record(Type.String({ maxLength: 60 }), FilterValue, {
  description: "The list's query parameters as an object (q, stage, ownerId, cf.<key>, ...), without sort and paging",
});
const Column = Type.String({ pattern: '^([A-Za-z]{1,40}|customFields\\.[a-z][a-z0-9_]{0,39})$' });
const Columns = Type.Array(Column, { maxItems: 60, description: 'Lead fields shown as columns, in order' });
const Sort = Type.String({ maxLength: 60, description: 'As the list takes it: `name`, `-updatedAt`, ...' });

export const View = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    filters: Type.Record(Type.String(), FilterValue),
    columns: Type.Array(Type.String()),
    sort: Nullable(Type.String()),
    shared: Type.Boolean({ description: 'Seen by everyone of the company' }),
    ownerId: Type.String({ format: 'uuid' }),
    ownerName: Type.String(),
    editable: Type.Boolean({ description: 'Whether the caller may change or delete it (its owner, or an admin)' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const CreateViewBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    filters: Type.Optional(Filters),
    columns: Type.Optional(Columns),
    sort: Type.Optional(Nullable(Sort)),
    shared: Type.Optional(Type.Boolean({ description: 'Needs the views:share permission' })),
  },
  { additionalProperties: false },
);
export type CreateViewInput = Static<typeof CreateViewBody>;

export const UpdateViewBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    filters: Type.Optional(Filters),
    columns: Type.Optional(Columns),
    sort: Type.Optional(Nullable(Sort)),
    shared: Type.Optional(Type.Boolean({ description: 'Needs the views:share permission' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateViewInput = Static<typeof UpdateViewBody>;

export const StageCount = Type.Object(
  {
    stage: Type.String(),
    count: Type.Integer(),
    value: Type.Optional(
      Type.Number({ description: 'The sum of expected values; absent when your role may not see values' }),
    ),
  },
  { additionalProperties: false },
);
