import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { operators } from './scoring.rules.ts';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const enumOf = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const Settings = Type.Object(
  {
    hotFrom: Type.Integer({ minimum: 1, maximum: 100, description: 'A score at least this is hot' }),
    warmFrom: Type.Integer({ minimum: 0, maximum: 99, description: 'A score at least this (below hotFrom) is warm' }),
    horizonDays: Type.Integer({
      minimum: 7,
      maximum: 730,
      description: 'The model predicts a win within this many days of the moment it scores',
    }),
    retrainDays: Type.Integer({ minimum: 1, maximum: 90, description: 'Retrain after this many days' }),
  },
  { additionalProperties: false },
);
export type SettingsInput = Static<typeof Settings>;

export const BehaviourList = Type.Object(
  {
    data: Type.Array(
      Type.Object(
        {
          key: Type.String(),
          label: Type.String(),
          takesWindow: Type.Boolean({ description: 'The rule may (no_touch_days: must) give windowDays' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const Operator = enumOf(operators);
const RuleKind = enumOf(['field', 'behaviour'] as const);
const RuleValue = Type.Unknown({
  description:
    'field rules: a value of the field’s type (in: a list of them; is_set and is_empty: null); ' +
    'behaviour rules: null (at least once) or, with operator gte, how many times',
});

export const Rule = Type.Object(
  {
    id: Uuid,
    label: Type.String(),
    kind: RuleKind,
    field: Nullable(Type.String(), { description: 'A lead catalog key, or customFields.<key>' }),
    operator: Nullable(Operator),
    value: RuleValue,
    behaviour: Nullable(Type.String()),
    windowDays: Nullable(Type.Integer()),
    points: Type.Integer(),
    active: Type.Boolean(),
    position: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'ScoreRule', additionalProperties: false },
);

const ruleFields = {
  label: Type.String({ minLength: 1, maxLength: 120, description: 'How the reason reads on the lead' }),
  kind: RuleKind,
  field: Nullable(Type.String({ minLength: 1, maxLength: 100 })),
  operator: Nullable(Operator),
  value: RuleValue,
  behaviour: Nullable(Type.String({ minLength: 1, maxLength: 60 })),
  windowDays: Nullable(
    Type.Integer({ minimum: 1, maximum: 365, description: 'Counts only the last N days (no_touch_days: the days)' }),
  ),
  points: Type.Integer({ minimum: -100, maximum: 100, description: 'Not 0' }),
  active: Type.Boolean(),
  position: Type.Integer({ minimum: 0, maximum: 100_000 }),
};

export const CreateRuleBody = Type.Object(
  {
    label: ruleFields.label,
    kind: ruleFields.kind,
    field: Type.Optional(ruleFields.field),
    operator: Type.Optional(ruleFields.operator),
    value: Type.Optional(ruleFields.value),
    behaviour: Type.Optional(ruleFields.behaviour),
    windowDays: Type.Optional(ruleFields.windowDays),
    points: ruleFields.points,
    active: Type.Optional(ruleFields.active),
    position: Type.Optional(ruleFields.position),
  },
  { additionalProperties: false },
);
export type CreateRuleInput = Static<typeof CreateRuleBody>;

export const UpdateRuleBody = Type.Object(
  Object.fromEntries(Object.entries(ruleFields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof ruleFields]: ReturnType<typeof Type.Optional<(typeof ruleFields)[K]>>;
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateRuleInput = Partial<Static<typeof CreateRuleBody>>;

export const RuleList = Type.Object({ data: Type.Array(Rule) }, { additionalProperties: false });

const Rate = Nullable(Type.Number());
const Metrics = Type.Object(
  {
    auc: Rate,
    brier: Rate,
    liftTop10: Rate,
    baseRate: Rate,
    holdout: Type.Object(
      { examples: Type.Integer(), positives: Type.Integer(), from: DateTime, to: DateTime },
      { additionalProperties: false },
    ),
    reliability: Type.Array(
      Type.Object(
        { from: Type.Number(), to: Type.Number(), predicted: Rate, observed: Rate, count: Type.Integer() },
        { additionalProperties: false },
      ),
    ),
    train: Type.Object({ examples: Type.Integer(), positives: Type.Integer() }, { additionalProperties: false }),
  },
  { additionalProperties: false, description: 'Quality on the time-ordered hold-out (the most recent 25%)' },
);

export type ModelMetrics = Static<typeof Metrics>;

export const Model = Type.Object(
  {
    id: Uuid,
    status: enumOf(['training', 'candidate', 'active', 'retired', 'failed'] as const),
    horizonDays: Type.Integer(),
    trainedAt: Nullable(DateTime),
    examples: Type.Integer(),
    positives: Type.Integer(),
    metrics: Nullable(Metrics),
    features: Type.Array(
      Type.Object(
        { name: Type.String(), label: Type.String(), weight: Type.Number() },
        { additionalProperties: false },
      ),
      { description: 'The features with the most effect, strongest first' },
    ),
    error: Nullable(Type.String()),
    activatedAt: Nullable(DateTime),
    retiredAt: Nullable(DateTime),
    createdAt: DateTime,
  },
  { $id: 'ScoreModel', additionalProperties: false },
);
export const ModelList = Type.Object({ data: Type.Array(Model) }, { additionalProperties: false });
export const TrainingStarted = Type.Object(
  { id: Uuid, status: Type.Literal('training') },
  { additionalProperties: false },
);

export const Status = Type.Object(
  {
    closedLeads: Type.Integer(),
    wonLeads: Type.Integer(),
    lostLeads: Type.Integer(),
    threshold: Type.Object(
      { closed: Type.Integer(), won: Type.Integer(), lost: Type.Integer() },
      { additionalProperties: false },
    ),
    canTrain: Type.Boolean(),
    activeModelId: Nullable(Uuid),
    lastScoredAt: Nullable(DateTime),
  },
  { additionalProperties: false },
);

export const Accepted = Type.Object({ status: Type.Literal('queued') }, { additionalProperties: false });

export const Reason = Type.Object(
  {
    label: Type.String({ description: 'In words: "Source is Web form", "No touch for 9 days", or a rule’s label' }),
    points: Type.Integer({ description: 'What it adds to (or takes from) the score' }),
    field: Nullable(Type.String({ description: 'The lead field it comes from; null: behaviour or age' })),
  },
  { additionalProperties: false },
);

export const LeadScore = Type.Object(
  {
    score: Nullable(Type.Integer({ minimum: 0, maximum: 100 }), { description: 'null: not scored yet' }),
    tier: Nullable(enumOf(['hot', 'warm', 'cold'] as const)),
    probability: Nullable(Type.Number({ description: 'The model’s chance of a win within the horizon' })),
    source: Nullable(enumOf(['rules', 'model'] as const)),
    modelId: Nullable(Uuid),
    scoredAt: Nullable(DateTime),
    reasons: Type.Array(Reason, {
      description: 'Biggest first; reasons from fields your role cannot see are left out',
    }),
  },
  { additionalProperties: false },
);
