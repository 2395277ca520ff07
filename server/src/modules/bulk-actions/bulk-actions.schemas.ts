import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { LeadFields } from '../leads/index.ts';

export const bulkActionKinds = ['assign', 'stage', 'tag', 'untag', 'partner', 'delete'] as const;
export type BulkActionKind = (typeof bulkActionKinds)[number];

/** Up to this many ids run within the request (200 with the results); more, or any filter, run as a job (202). */
export const SYNC_MAX = 100;
export const IDS_MAX = 10_000;
/** A filter may reach at most this many leads; a wider one fails before anything changes (narrow it). */
export const FILTER_MAX = 100_000;

const Uuid = Type.String({ format: 'uuid' });
const FilterValue = Type.Union([
  Type.String({ maxLength: 2000 }),
  Type.Number(),
  Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 }),
]);

export const BulkActionParams = Type.Object(
  {
    ownerId: Type.Optional(Nullable(Uuid, { description: 'assign: the new owner (a salesperson), or null' })),
    stage: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'stage: the stage key' })),
    fields: Type.Optional(LeadFields),
    closeFollowUps: Type.Optional(
      Type.Boolean({
        description:
          'stage, to Won or Lost: close (true) or keep (false) the open follow-ups of each lead; without it a lead ' +
          'with open follow-ups fails with open_follow_ups, as its single move would',
      }),
    ),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
        minItems: 1,
        maxItems: 30,
        description: 'tag / untag: the tags to add or remove',
      }),
    ),
    partnerId: Type.Optional(Nullable(Uuid, { description: 'partner: the partner to hand the leads to, or null' })),
  },
  { additionalProperties: false },
);
export type BulkActionParamsInput = Static<typeof BulkActionParams>;

export const BulkActionBody = Type.Object(
  {
    action: Type.Union(
      [
        Type.Literal('assign'),
        Type.Literal('stage'),
        Type.Literal('tag'),
        Type.Literal('untag'),
        Type.Literal('partner'),
        Type.Literal('delete'),
      ],
      { description: 'assign (leads:assign), stage, tag, untag (leads:write), partner (leads:assign), delete' },
    ),
    ids: Type.Optional(
      Type.Array(Uuid, {
        minItems: 1,
        maxItems: IDS_MAX,
        description: `The selected leads (1 to ${IDS_MAX}); up to ${SYNC_MAX} run at once, more as a job`,
      }),
    ),
    filter: Type.Optional(
      Type.Record(Type.String({ maxLength: 60 }), FilterValue, {
        description:
          "Every lead of a list view instead of ids: the list's query parameters as an object (q, stage, " +
          'ownerId, cf.<key>, ...). Always runs as a job.',
      }),
    ),
    params: Type.Optional(BulkActionParams),
  },
  {
    additionalProperties: false,
    // Exactly one of ids and filter: a 400 naming both fields otherwise.
    oneOf: [{ required: ['ids'] }, { required: ['filter'] }],
    description: 'Send exactly one of `ids` (the selected leads) and `filter` (every lead of a list view).',
  },
);
export type BulkActionInput = Static<typeof BulkActionBody>;

const ItemStatus = Type.Union([Type.Literal('done'), Type.Literal('failed')]);

export const BulkItemResult = Type.Object(
  {
    id: Uuid,
    status: ItemStatus,
    code: Type.Optional(Type.String({ description: 'Why it failed: the code a single edit would have answered' })),
    message: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const BulkActionResult = Type.Object(
  {
    action: Type.String(),
    total: Type.Integer(),
    done: Type.Integer(),
    failed: Type.Integer(),
    results: Type.Array(BulkItemResult),
  },
  { additionalProperties: false },
);

export const BulkAction = Type.Object(
  {
    id: Uuid,
    action: Type.String(),
    status: Type.Union(
      [Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')],
      {
        description: 'failed: the whole action stopped (see error); items that failed on their own are in failures',
      },
    ),
    params: Type.Record(Type.String(), Type.Unknown()),
    filter: Nullable(Type.Record(Type.String(), Type.Unknown())),
    total: Nullable(Type.Integer(), { description: "null while a filter's leads are still being listed" }),
    done: Type.Integer(),
    failed: Type.Integer(),
    error: Nullable(Type.String()),
    failures: Type.Array(
      Type.Object(
        {
          id: Uuid,
          name: Type.Optional(Type.String({ description: 'Absent when you may not see the lead' })),
          code: Type.String(),
          message: Type.String(),
        },
        { additionalProperties: false },
      ),
      { description: 'The first 200 failed items, in the order they were given' },
    ),
    createdBy: Uuid,
    createdByName: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    startedAt: Nullable(Type.String({ format: 'date-time' })),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type BulkActionDto = Static<typeof BulkAction>;
