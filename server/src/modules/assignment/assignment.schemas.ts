import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { CustomFieldValue } from '../leads/index.ts';

export const strategies = ['user', 'round_robin', 'least_loaded', 'weighted'] as const;
export type Strategy = (typeof strategies)[number];
export const operators = ['equals', 'in', 'contains', 'range', 'is_empty', 'territory'] as const;
export type Operator = (typeof operators)[number];

const Uuid = Type.String({ format: 'uuid' });

/** One of a fixed list of words, typed as their union. */
function oneOf<T extends readonly string[]>(values: T, options: { description: string }) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
const Bound = Type.Union([Type.Number(), Type.String({ format: 'date' })]);

export const Condition = Type.Object(
  {
    field: Type.Optional(
      Type.String({
        maxLength: 60,
        description:
          'A lead field in API terms (source, campaign, product, city, state, country, territory, expectedValue, expectedCloseDate, tags, ...) or `customFields.<key>`. Not used by `territory`.',
      }),
    ),
    op: oneOf(operators, {
      description:
        'equals (value), in (values), contains (value, text), range (min and/or max, numbers or dates, inclusive), is_empty, territory (values: matches the lead territory, state or city)',
    }),
    value: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Number(), Type.Boolean()])),
    values: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 200 })),
    min: Type.Optional(Bound),
    max: Type.Optional(Bound),
    not: Type.Optional(Type.Boolean({ description: 'true: the condition holds when the test fails' })),
  },
  { additionalProperties: false },
);
export type ConditionInput = Static<typeof Condition>;

const ruleProps = {
  name: Type.String({ minLength: 1, maxLength: 120 }),
  active: Type.Boolean({ default: true }),
  isDefault: Type.Boolean({
    default: false,
    description: 'The catch-all tried last, and when the matched rule has no eligible candidate; takes no conditions',
  }),
  conditions: Type.Array(Condition, {
    maxItems: 20,
    default: [],
    description: 'Every condition must hold (AND); an empty list matches every lead',
  }),
  strategy: oneOf(strategies, {
    description:
      'user (exactly one user), round_robin (in turn), least_loaded (fewest open leads), weighted (smooth weighted round robin by `weights`)',
  }),
  userIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, description: 'Active salespeople, in rotation order' }),
  weights: Type.Array(Type.Integer({ minimum: 1, maximum: 1000 }), {
    maxItems: 100,
    default: [],
    description: 'One per user, for `weighted` only',
  }),
  slaMinutes: Nullable(Type.Integer({ minimum: 1, maximum: 43_200 }), {
    default: null,
    description: 'Response SLA: untouched this long after assignment, the lead goes to the next eligible candidate',
  }),
};

export const CreateRuleBody = Type.Object(
  {
    name: ruleProps.name,
    active: Type.Optional(ruleProps.active),
    isDefault: Type.Optional(ruleProps.isDefault),
    conditions: Type.Optional(ruleProps.conditions),
    strategy: ruleProps.strategy,
    userIds: ruleProps.userIds,
    weights: Type.Optional(ruleProps.weights),
    slaMinutes: Type.Optional(ruleProps.slaMinutes),
  },
  { additionalProperties: false },
);
export type CreateRuleInput = Static<typeof CreateRuleBody>;

export const UpdateRuleBody = Type.Object(
  {
    name: Type.Optional(ruleProps.name),
    active: Type.Optional(Type.Boolean()),
    isDefault: Type.Optional(Type.Boolean()),
    conditions: Type.Optional(Type.Array(Condition, { maxItems: 20 })),
    strategy: Type.Optional(ruleProps.strategy),
    userIds: Type.Optional(ruleProps.userIds),
    weights: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 1000 }), { maxItems: 100 })),
    slaMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 43_200 }))),
  },
  { additionalProperties: false },
);
export type UpdateRuleInput = Static<typeof UpdateRuleBody>;

export const Rule = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    position: Type.Integer({ description: 'Order of evaluation; the default rule is always last' }),
    active: Type.Boolean(),
    isDefault: Type.Boolean(),
    conditions: Type.Array(Condition),
    strategy: Type.String(),
    userIds: Type.Array(Uuid),
    weights: Type.Array(Type.Integer()),
    users: Type.Array(
      Type.Object({ id: Uuid, name: Type.String(), active: Type.Boolean() }, { additionalProperties: false }),
    ),
    slaMinutes: Nullable(Type.Integer()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const ReorderBody = Type.Object(
  {
    ids: Type.Array(Uuid, {
      minItems: 1,
      maxItems: 500,
      description: 'Every rule except the default, in the new order (the default may be named last)',
    }),
  },
  { additionalProperties: false },
);

/** A sample lead for the preview: the fields the conditions read, in API terms. */
export const SampleLead = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    companyName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    emails: Type.Optional(Type.Array(Type.String({ maxLength: 254 }), { maxItems: 10 })),
    phones: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 })),
    source: Type.Optional(Type.String({ maxLength: 40 })),
    campaign: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    product: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    city: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    state: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    country: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    territory: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    expectedValue: Type.Optional(Nullable(Type.Number({ minimum: 0 }))),
    currency: Type.Optional(Nullable(Type.String({ maxLength: 3 }))),
    expectedCloseDate: Type.Optional(Nullable(Type.String({ format: 'date' }))),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 30 })),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
    stage: Type.Optional(Type.String({ maxLength: 40 })),
    customFields: Type.Optional(Type.Record(Type.String(), CustomFieldValue)),
  },
  { additionalProperties: false },
);

export const TestRuleBody = Type.Object(
  {
    rule: Type.Optional(CreateRuleBody),
    ruleId: Type.Optional(Uuid),
    lead: SampleLead,
  },
  {
    additionalProperties: false,
    // At most one of rule and ruleId: a 400 naming both fields otherwise.
    not: { required: ['rule', 'ruleId'] },
    description:
      'Give `rule` (a draft) or `ruleId` to test one rule, never both; give neither to run the whole rule list',
  },
);
export type TestRuleInput = Static<typeof TestRuleBody>;

const CandidateOut = Type.Object(
  { userId: Type.String(), name: Type.String(), chosen: Type.Boolean(), skipped: Nullable(Type.String()) },
  { additionalProperties: false },
);

export const TestRuleResult = Type.Object(
  {
    evaluated: Type.Array(
      Type.Object(
        {
          ruleId: Nullable(Uuid, { description: 'null for a draft' }),
          ruleName: Type.String(),
          isDefault: Type.Boolean(),
          matched: Type.Boolean(),
          conditions: Type.Array(
            Type.Object({ index: Type.Integer(), matched: Type.Boolean() }, { additionalProperties: false }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    decision: Type.Object(
      {
        ownerId: Nullable(Uuid),
        ownerName: Nullable(Type.String()),
        reason: Type.String({ description: 'rule or unassigned' }),
        ruleId: Nullable(Uuid),
        ruleName: Nullable(Type.String()),
        strategy: Nullable(Type.String()),
        slaMinutes: Nullable(Type.Integer()),
        candidates: Type.Array(CandidateOut),
        detail: Type.String(),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
