import { Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';
import { type ReasonKey as ReasonKeyType, reasonKeys, reasonLabels } from './risk.reasons.ts';

/** One of the reason keys, as a plain `enum` (clearer errors and documents than a union of literals). */
const ReasonKey = Type.Unsafe<ReasonKeyType>({
  type: 'string',
  enum: [...reasonKeys],
  description: reasonKeys.map((k) => `${k}: ${reasonLabels[k].toLowerCase()}`).join('; '),
});

export const AtRiskQuery = Type.Object(
  {
    ownerId: Type.Optional(Type.String({ format: 'uuid', description: 'Only the leads this user owns' })),
    reason: Type.Optional(ReasonKey),
    cursor: Cursor(),
    limit: Limit,
  },
  { additionalProperties: false },
);

export const Reason = Type.Object(
  {
    key: ReasonKey,
    text: Type.String({ description: 'The reason in words, with its numbers' }),
    value: Nullable(Type.Number(), { description: 'The lead’s figure (days, count), when the reason has one' }),
    usual: Nullable(Type.Number(), { description: 'What is usual for the stage (days), when the reason has one' }),
  },
  { additionalProperties: false },
);

export const AtRiskLead = Type.Object(
  {
    leadId: Type.String({ format: 'uuid' }),
    leadName: Type.String(),
    ownerId: Nullable(Type.String({ format: 'uuid' })),
    ownerName: Nullable(Type.String()),
    stage: Type.String(),
    stageName: Type.String(),
    severity: Type.Integer({ description: 'The sum of the reasons’ weights; the list is sorted by it' }),
    reasons: Type.Array(Reason),
    flaggedSince: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const AtRiskPage = Type.Object(
  {
    data: Type.Array(AtRiskLead),
    nextCursor: Nullable(Type.String(), { description: 'null on the last page' }),
    total: Type.Integer({ description: 'At-risk leads matching the filters that you may see' }),
  },
  { additionalProperties: false },
);

export const AtRiskSummary = Type.Object(
  {
    total: Type.Integer(),
    checkedAt: Nullable(Type.String({ format: 'date-time' }), { description: 'The last scan (null before the first)' }),
    byReason: Type.Array(
      Type.Object({ key: ReasonKey, label: Type.String(), count: Type.Integer() }, { additionalProperties: false }),
    ),
    byOwner: Type.Array(
      Type.Object(
        {
          ownerId: Nullable(Type.String({ format: 'uuid' })),
          ownerName: Nullable(Type.String()),
          count: Type.Integer(),
        },
        { additionalProperties: false },
      ),
      { description: 'Most at-risk leads first, at most 50 owners' },
    ),
  },
  { additionalProperties: false },
);

export const LeadRisk = Type.Object(
  {
    atRisk: Type.Boolean(),
    reasons: Type.Array(Reason),
    flaggedSince: Nullable(Type.String({ format: 'date-time' })),
    checkedAt: Nullable(Type.String({ format: 'date-time' }), { description: 'The last scan (null before the first)' }),
  },
  { additionalProperties: false },
);

export const ScanQueued = Type.Object(
  { queued: Type.Boolean(), lastCheckedAt: Nullable(Type.String({ format: 'date-time' })) },
  { additionalProperties: false },
);
