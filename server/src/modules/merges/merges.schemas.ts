import { type Static, Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const LeadRef = Type.Object({ id: Uuid, name: Type.String() });
const PersonRef = Type.Object({ id: Uuid, name: Type.String() });

export const MAX_MERGED = 10;

export const MergeBody = Type.Object(
  {
    survivorId: Type.String({ format: 'uuid', description: 'The lead that stays; the others are merged into it' }),
    mergedIds: Type.Array(Uuid, {
      minItems: 1,
      maxItems: MAX_MERGED,
      description: 'The leads merged into the survivor (1 to 10); each becomes a tombstone pointing at it',
    }),
    fieldChoices: Type.Optional(
      Type.Record(Type.String({ pattern: '^(?:[a-zA-Z]{1,40}|customFields\\.[a-z][a-z0-9_]{0,39})$' }), Uuid, {
        maxProperties: 100,
        description:
          'Field (`name`, `companyName`, `source`, `campaign`, `product`, `city`, `state`, `country`, `territory`, ' +
          '`expectedValue`, `currency`, `expectedCloseDate`, `lostReason`, `notes`, `stage`, `ownerId`, `partnerId`, ' +
          '`customFields.<key>`) -> the id of the lead whose value the survivor keeps. A field left out keeps the ' +
          "survivor's value, or the first non-empty one of the merged leads when the survivor's is empty; currency " +
          'follows the lead the expected value came from. Emails, phones, tags, warriors and co-sales are combined.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type MergeInput = Static<typeof MergeBody>;

export const MergeResult = Type.Object(
  { mergeId: Uuid, survivorId: Uuid },
  { additionalProperties: false, description: 'The merge; undo it within 30 days with its id' },
);

export const MergeParams = Type.Object({ mergeId: Uuid }, { additionalProperties: false });

export const MergeListQuery = Type.Object(
  {
    leadId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Only merges this lead took part in, as survivor or merged' }),
    ),
    limit: Limit,
    cursor: Cursor(200),
  },
  { additionalProperties: false },
);

const Moved = Type.Array(
  Type.Object({
    table: Type.String(),
    label: Type.String({ description: 'What the rows are, e.g. notes, stage moves' }),
    count: Type.Integer(),
  }),
);

export const MergeSummary = Type.Object(
  {
    id: Uuid,
    at: Type.String({ format: 'date-time' }),
    by: Nullable(PersonRef),
    survivor: LeadRef,
    merged: Type.Array(LeadRef, { description: 'The merged leads, named as they were before the merge' }),
    undoneAt: Nullable(Type.String({ format: 'date-time' })),
    undoneBy: Nullable(PersonRef),
    undoDeadline: Type.String({ format: 'date-time', description: 'The last moment the merge can be undone' }),
  },
  { additionalProperties: false },
);

const FieldChange = Type.Object({
  field: Type.String(),
  current: Type.Unknown({ description: 'The value now' }),
  restored: Type.Unknown({ description: 'The value undo would put back' }),
});

export const UNDO_BLOCKERS = [
  'merge_already_undone',
  'merge_undo_expired',
  'merge_survivor_trashed',
  'merge_dependency',
];

export const MergeDetail = Type.Object(
  {
    ...MergeSummary.properties,
    fieldChoices: Type.Record(Type.String(), Uuid, {
      description: 'The fields the survivor took from another lead, and from which one',
    }),
    moved: Type.Array(
      Type.Object(
        { table: Type.String(), label: Type.String(), count: Type.Integer() },
        { additionalProperties: false },
      ),
      { description: 'Rows moved from the merged leads to the survivor, per kind' },
    ),
    undo: Type.Object(
      {
        possible: Type.Boolean(),
        code: Nullable(Type.String({ description: `Why not: ${UNDO_BLOCKERS.join(', ')}` })),
        reason: Nullable(Type.String()),
        blockingMergeId: Nullable(Type.String({ format: 'uuid', description: 'The later merge to undo first' })),
        restores: Type.Array(LeadRef, { description: 'The leads undo brings back' }),
        survivorChanges: Type.Array(FieldChange, { description: "The survivor's fields undo puts back" }),
        keptLaterEdits: Type.Array(Type.String(), {
          description: 'Fields of the survivor changed both by the merge and later: undo keeps the later value',
        }),
        moveBack: Moved,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const UndoResult = Type.Object(
  {
    mergeId: Uuid,
    survivorId: Uuid,
    restoredIds: Type.Array(Uuid),
    undoneAt: Type.String({ format: 'date-time' }),
    keptLaterEdits: Type.Array(Type.String(), {
      description: "The survivor's fields that kept a value set after the merge",
    }),
    movedBack: Moved,
  },
  { additionalProperties: false },
);
