import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { PERIOD_PATTERN } from './targets.period.ts';

const periodText = 'A month (`2026-12`) or a quarter (`2026-Q4`)';
const PeriodKey = Type.String({ pattern: PERIOD_PATTERN, maxLength: 7, description: periodText });
const ScopeKind = Type.Union(
  [Type.Literal('user'), Type.Literal('team'), Type.Literal('partner'), Type.Literal('territory')],
  { description: 'user, team (a manager and everyone below it), partner, or territory' },
);

export const TargetsQuery = Type.Object(
  {
    period: Type.Optional(
      Type.String({ pattern: PERIOD_PATTERN, maxLength: 7, description: `${periodText} (default: this month)` }),
    ),
  },
  { additionalProperties: false },
);

const Count = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
const Money = Type.Number({ minimum: 0, maximum: 99_999_999_999_999, description: 'In the company’s currency' });

export const TargetItem = Type.Object(
  {
    scope: Type.Object(
      {
        kind: ScopeKind,
        key: Type.String({
          minLength: 1,
          maxLength: 100,
          description: 'A user id (user), a manager’s user id (team), a partner id (partner), or a territory name',
        }),
      },
      { additionalProperties: false },
    ),
    period: PeriodKey,
    wonValue: Money,
    wonCount: Count,
    newLeads: Type.Optional(Nullable(Count)),
    calls: Type.Optional(Nullable(Count)),
  },
  { additionalProperties: false },
);
export type TargetItemInput = Static<typeof TargetItem>;

export const PutTargetsBody = Type.Object(
  {
    items: Type.Array(TargetItem, {
      minItems: 1,
      maxItems: 200,
      description: 'Each sets the whole target of its scope and period (left out: newLeads and calls none)',
    }),
  },
  { additionalProperties: false },
);
export type PutTargetsInput = Static<typeof PutTargetsBody>;

const PeriodInfo = Type.Object(
  {
    kind: Type.Union([Type.Literal('month'), Type.Literal('quarter')]),
    key: Type.String({ description: '`2026-12` or `2026-Q4`' }),
    start: Type.String({ format: 'date' }),
    end: Type.String({ format: 'date', description: 'The last day, included' }),
    label: Type.String({ description: '`Dec 2026`, `Q4 2026`' }),
  },
  { additionalProperties: false },
);

const figures = (description: string, value: ReturnType<typeof Type.Number>) =>
  Type.Object(
    {
      wonValue: Nullable(value),
      wonCount: Nullable(value),
      newLeads: Nullable(value),
      calls: Nullable(value),
    },
    { additionalProperties: false, description },
  );

export const Target = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    scope: Type.Object(
      {
        kind: ScopeKind,
        key: Type.String(),
        name: Type.String({ description: 'The user’s, the team manager’s or the partner’s name; the territory' }),
      },
      { additionalProperties: false },
    ),
    period: PeriodInfo,
    target: Type.Object(
      {
        wonValue: Type.Number(),
        wonCount: Type.Integer(),
        newLeads: Nullable(Type.Integer()),
        calls: Nullable(Type.Integer()),
      },
      { additionalProperties: false, description: 'What was set (newLeads and calls null when not set)' },
    ),
    achieved: figures(
      'So far in the period, over the records you may see (null: a figure your role may not see)',
      Type.Number(),
    ),
    progress: figures('achieved / target as a fraction (null: no target, or not visible)', Type.Number()),
    setBy: Type.String({ format: 'uuid' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Target', additionalProperties: false },
);

export const TargetList = Type.Object(
  {
    data: Type.Array(Target),
    period: PeriodInfo,
    generatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
