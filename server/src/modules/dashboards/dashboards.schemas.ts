import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { charts, rangePresets } from '../reports/index.ts';

export const MAX_TILES = 24;
/** The report key of the targets tile: drawn from GET /targets, not from a report run. */
export const TARGETS_TILE = 'targets';

const FilterValue = Type.Union([
  Type.String({ maxLength: 2000 }),
  Type.Number(),
  Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 }),
]);
const Filters = Type.Record(Type.String({ maxLength: 80 }), FilterValue, {
  maxProperties: 40,
  description: 'The lead list’s filters (as on GET /leads: ownerId, team, source, …), applied to every tile',
});
const ChartKind = Type.Enum(charts, { description: 'How the tile is drawn (default: its report’s chart)' });
const Range = Type.Enum(rangePresets, { description: 'A preset period, counted from today in the company’s zone' });
const Day = Type.String({ format: 'date', description: 'A date (YYYY-MM-DD) in the company’s time zone' });
const Width = Type.Integer({ minimum: 1, maximum: 3, description: 'Columns of the three-column grid it spans' });
const ReportKey = Type.String({
  minLength: 1,
  maxLength: 80,
  pattern: '^[A-Za-z0-9_.-]+$',
  description: `A report key from GET /reports (a pre-built one’s slug or a saved one’s id), or \`${TARGETS_TILE}\``,
});

const period = {
  range: Type.Optional(Range),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
};

const tileFields = {
  report: ReportKey,
  title: Type.Optional(Type.String({ maxLength: 120, description: 'Default (or blank): the report’s name' })),
  chart: Type.Optional(ChartKind),
  width: Type.Optional(Width),
  ...period,
};

export const TileInput = Type.Object(
  {
    id: Type.Optional(Type.String({ format: 'uuid', description: 'Kept when given; a new tile gets one' })),
    ...tileFields,
  },
  { additionalProperties: false },
);
export type TileInputValue = Static<typeof TileInput>;

export const AddTileBody = Type.Object(tileFields, { additionalProperties: false });
export type AddTileInput = Static<typeof AddTileBody>;

const Name = Type.String({ minLength: 1, maxLength: 120 });
const Tiles = Type.Array(TileInput, { maxItems: MAX_TILES, description: `At most ${MAX_TILES} tiles, in order` });

export const CreateDashboardBody = Type.Object(
  {
    name: Name,
    shared: Type.Optional(Type.Boolean({ description: 'Seen by everyone of the company' })),
    tiles: Tiles,
    filters: Type.Optional(Filters),
    ...period,
  },
  { additionalProperties: false },
);
export type CreateDashboardInput = Static<typeof CreateDashboardBody>;

export const UpdateDashboardBody = Type.Object(
  {
    name: Name,
    shared: Type.Optional(Type.Boolean({ description: 'Seen by everyone of the company (left out: unchanged)' })),
    tiles: Tiles,
    filters: Type.Optional(Filters),
    range: Type.Optional(Type.Union([Range, Type.Null()])),
    from: Type.Optional(Nullable(Type.String({ format: 'date' }))),
    to: Type.Optional(Nullable(Type.String({ format: 'date' }))),
  },
  {
    additionalProperties: false,
    description: 'The whole dashboard; `filters`, `range`, `from`, `to` and `shared` left out stay as they are',
  },
);
export type UpdateDashboardInput = Static<typeof UpdateDashboardBody>;

export const Tile = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    report: Type.String(),
    kind: Type.Union([Type.Literal('report'), Type.Literal('targets')], {
      description: '`targets`: draw GET /targets for the period; `report`: run the report',
    }),
    title: Type.String({ description: 'Its own title, else the report’s name' }),
    customTitle: Nullable(Type.String(), { description: 'The title the tile was given, null for the report’s name' }),
    chart: ChartKind,
    width: Width,
    range: Type.Optional(Range),
    from: Type.Optional(Type.String()),
    to: Type.Optional(Type.String()),
    runnable: Type.Boolean({
      description: 'Whether the caller may run its report (a shared dashboard may hold reports your role may not run)',
    }),
  },
  { $id: 'DashboardTile', additionalProperties: false },
);

export const Dashboard = Type.Object(
  {
    id: Type.String({ description: 'A uuid, or `default` for the role’s default dashboard' }),
    name: Type.String(),
    shared: Type.Boolean(),
    isDefault: Type.Boolean(),
    editable: Type.Boolean({ description: 'Whether the caller may change or delete it (its owner, or an admin)' }),
    ownerId: Nullable(Type.String({ format: 'uuid' })),
    ownerName: Nullable(Type.String()),
    tiles: Type.Array(Tile),
    filters: Type.Record(Type.String(), FilterValue),
    range: Nullable(Type.String({ description: 'The period every tile shows, as a preset (null: each tile’s own)' })),
    from: Nullable(Type.String()),
    to: Nullable(Type.String()),
    createdAt: Nullable(Type.String({ format: 'date-time' })),
    updatedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'Dashboard', additionalProperties: false },
);

export const DashboardSummary = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    shared: Type.Boolean(),
    isDefault: Type.Boolean(),
    ownerId: Nullable(Type.String({ format: 'uuid' })),
    ownerName: Nullable(Type.String()),
    editable: Type.Boolean(),
    tileCount: Type.Integer(),
  },
  { additionalProperties: false },
);

export const DashboardIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
