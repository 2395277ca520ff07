import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const Rate = Nullable(Type.Number({ description: 'A fraction, 0 to 1; null with no closed leads' }));
const Seconds = Nullable(Type.Number({ description: 'Seconds; null when none of the leads was touched' }));
const DimensionEnum = ['source', 'product', 'city', 'state', 'territory'] as const;

export const DimensionQuery = Type.Object(
  {
    dimension: Type.Unsafe<(typeof DimensionEnum)[number]>({
      type: 'string',
      enum: [...DimensionEnum],
      description: 'The lead field the owners are compared on',
    }),
  },
  { additionalProperties: false },
);

export const OwnerCell = Type.Object(
  {
    ownerId: Uuid,
    ownerName: Type.String(),
    leads: Type.Integer({ description: 'Closed leads (won or lost) of the value in the window' }),
    won: Type.Integer(),
    winRate: Rate,
    low: Type.Number({ description: 'Lower end of the 95% Wilson interval of the win rate' }),
    high: Type.Number({ description: 'Upper end of the 95% Wilson interval' }),
    adjustedWinRate: Type.Number({
      description: 'The win rate pulled toward the value’s own by the prior strength (empirical Bayes)',
    }),
    reached: Type.Integer({ description: 'Leads touched after they were given to the owner' }),
    medianSpeedSeconds: Seconds,
    averageLoad: Nullable(Type.Number({ description: 'The owner’s average open leads when these were given to it' })),
  },
  { additionalProperties: false },
);

export const ValueRow = Type.Object(
  {
    value: Type.String(),
    leads: Type.Integer(),
    won: Type.Integer(),
    winRate: Rate,
    reached: Type.Integer(),
    medianSpeedSeconds: Seconds,
    priorStrength: Type.Number({ description: 'The empirical-Bayes prior, in leads, for this value’s owners' }),
    owners: Type.Array(OwnerCell),
  },
  { additionalProperties: false },
);
export type ValueRowT = Static<typeof ValueRow>;

export const Group = Type.Object(
  { leads: Type.Integer(), won: Type.Integer(), winRate: Rate },
  { additionalProperties: false },
);
export type GroupT = Static<typeof Group>;

export const Band = Type.Object(
  {
    band: Type.String({ description: 'Open leads at assignment, e.g. "20–39" or "100+"' }),
    from: Type.Integer(),
    to: Nullable(Type.Integer()),
    leads: Type.Integer(),
    won: Type.Integer(),
    winRate: Rate,
  },
  { additionalProperties: false },
);
export type BandT = Static<typeof Band>;

export const OwnerBands = Type.Object(
  { ownerId: Uuid, ownerName: Type.String(), bands: Type.Array(Band) },
  { additionalProperties: false },
);
export type OwnerBandsT = Static<typeof OwnerBands>;

export const OwnerPerformance = Type.Object(
  {
    dimension: Type.String(),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    values: Type.Array(ValueRow, { description: 'Values with closed leads, most leads first' }),
    loadBands: Type.Array(OwnerBands, { description: 'Each owner’s win rate by its open-lead load at assignment' }),
  },
  { additionalProperties: false },
);

const ProposedCondition = Type.Object(
  { field: Type.String(), op: Type.String(), value: Type.String() },
  { additionalProperties: false },
);

export const Proposal = Type.Object(
  {
    summary: Type.String({ description: 'The proposal in words' }),
    rule: Nullable(
      Type.Object(
        {
          name: Type.String(),
          conditions: Type.Array(ProposedCondition),
          strategy: Type.String(),
          userIds: Type.Array(Uuid),
        },
        { additionalProperties: false },
      ),
      { description: 'The assignment rule an acceptance creates (kind rule)' },
    ),
    owners: Type.Array(Type.Object({ id: Uuid, name: Type.String() }, { additionalProperties: false })),
    cap: Nullable(
      Type.Object(
        {
          userId: Uuid,
          userName: Type.String(),
          openCap: Type.Integer(),
          currentOpenCap: Nullable(Type.Integer()),
        },
        { additionalProperties: false },
      ),
      { description: 'The open-lead cap an acceptance sets (kind cap)' },
    ),
  },
  { additionalProperties: false },
);
export type ProposalT = Static<typeof Proposal>;

export const Evidence = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    value: Nullable(ValueRow, { description: 'The value’s owners (kind rule)' }),
    rest: Nullable(Group, { description: 'The value’s leads owned by everyone outside the pool (kind rule)' }),
    bands: Type.Array(Band, { description: 'The owner’s win rate by load (kind cap)' }),
    below: Nullable(Group),
    above: Nullable(Group),
    z: Nullable(Type.Number({ description: 'Two-proportion z statistic of the fall (kind cap)' })),
  },
  { additionalProperties: false },
);
export type EvidenceT = Static<typeof Evidence>;

export const Expected = Type.Object(
  {
    text: Type.String({ description: 'The expected effect in words' }),
    winRateNow: Rate,
    winRateExpected: Rate,
    medianSpeedNowSeconds: Seconds,
    medianSpeedExpectedSeconds: Seconds,
    leadsPerMonth: Type.Number({ description: 'Leads a month the change concerns, from the window' }),
    extraLeadsPerOwnerPerMonth: Nullable(Type.Number()),
    wonPerMonthNow: Nullable(Type.Number()),
    wonPerMonthExpected: Nullable(Type.Number()),
  },
  { additionalProperties: false },
);
export type ExpectedT = Static<typeof Expected>;

export const Outcome = Type.Object(
  {
    since: Type.String({ format: 'date-time' }),
    leadsRouted: Type.Integer({ description: 'Leads the created rule routed since acceptance (kind rule)' }),
    closed: Type.Integer(),
    won: Type.Integer(),
    winRate: Rate,
    medianSpeedSeconds: Seconds,
    expectedWinRate: Rate,
    expectedMedianSpeedSeconds: Seconds,
  },
  { additionalProperties: false },
);

export const Recommendation = Type.Object(
  {
    id: Uuid,
    kind: Type.Unsafe<'rule' | 'cap'>({ type: 'string', enum: ['rule', 'cap'] }),
    dimension: Type.String({ description: 'source, product, city, state, territory; load for a cap' }),
    value: Type.String(),
    status: Type.Unsafe<'proposed' | 'accepted' | 'dismissed'>({
      type: 'string',
      enum: ['proposed', 'accepted', 'dismissed'],
    }),
    proposal: Proposal,
    evidence: Evidence,
    expected: Expected,
    createdAt: Type.String({ format: 'date-time' }),
    refreshedAt: Type.String({ format: 'date-time' }),
    decidedAt: Nullable(Type.String({ format: 'date-time' })),
    decidedBy: Nullable(Type.Object({ id: Uuid, name: Type.String() }, { additionalProperties: false })),
    ruleId: Nullable(Uuid, { description: 'The assignment rule created on acceptance' }),
    outcome: Nullable(Outcome, { description: 'Since acceptance: what the change did, against the expectation' }),
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Unsafe<'proposed' | 'accepted' | 'dismissed'>({
        type: 'string',
        enum: ['proposed', 'accepted', 'dismissed'],
        description: 'Only these; all by default',
      }),
    ),
  },
  { additionalProperties: false },
);

export const AcceptBody = Type.Object(
  {
    active: Type.Boolean({ description: 'Create the rule switched on (true) or off to try it first (false)' }),
    position: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10_000,
        description: 'Its place in the evaluation order, 1 = first (the default); past the end: last',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AcceptInput = Static<typeof AcceptBody>;

export const RefreshQueued = Type.Object({ queued: Type.Boolean() }, { additionalProperties: false });

export const PreviewResult = Type.Object(
  {
    rule: Proposal.properties.rule,
    samples: Type.Array(
      Type.Object(
        {
          leadId: Uuid,
          leadName: Type.String(),
          matches: Type.Boolean({ description: 'Whether the proposed rule’s conditions hold for the lead' }),
          ownerId: Nullable(Uuid, { description: 'The lead’s owner today' }),
          ownerName: Nullable(Type.String()),
          now: Type.Object(
            {
              ownerId: Nullable(Uuid),
              ownerName: Nullable(Type.String()),
              ruleName: Nullable(Type.String()),
              detail: Type.String(),
            },
            { additionalProperties: false, description: 'What the current rules would decide for it' },
          ),
          proposed: Type.Object(
            {
              ownerId: Nullable(Uuid),
              ownerName: Nullable(Type.String()),
              ruleName: Nullable(Type.String()),
              detail: Type.String(),
            },
            {
              additionalProperties: false,
              description: 'With the proposed rule first: its decision when it matches, the current one otherwise',
            },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
