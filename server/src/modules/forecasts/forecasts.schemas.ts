import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';

const Money = Type.Number({ description: 'In the company’s currency' });

export const ForecastQuery = Type.Object(
  {
    months: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 6, default: 3, description: 'How many months ahead, this one first (1-6)' }),
    ),
  },
  { additionalProperties: false },
);
export type ForecastQueryInput = Static<typeof ForecastQuery>;

const ForecastMonth = Type.Object(
  {
    month: Type.String({ description: 'YYYY-MM in the company’s time zone' }),
    expected: Type.Number({ description: 'wonSoFar + fromPipeline + fromNewLeads' }),
    low: Type.Number({ description: '10th percentile' }),
    high: Type.Number({ description: '90th percentile' }),
    fromPipeline: Type.Number({ description: 'Open leads: value times the calibrated probability of a win then' }),
    fromNewLeads: Type.Number({ description: 'The run rate of leads not yet created' }),
    expectedCount: Type.Number({ description: 'Expected number of leads won (wonSoFarCount included)' }),
    wonSoFar: Type.Number({ description: 'Already won this month (the current month only; 0 for later months)' }),
    wonSoFarCount: Type.Integer(),
  },
  { additionalProperties: false },
);

const BacktestMonth = Type.Object(
  {
    month: Type.String({ description: 'YYYY-MM' }),
    forecast: Type.Number({ description: 'What the forecast said at the start of the month' }),
    actual: Type.Number({ description: 'What was won in the month' }),
    errorPct: Nullable(Type.Number(), {
      description: '(forecast − actual) / actual × 100; null when nothing was won',
    }),
  },
  { additionalProperties: false },
);

export const Forecast = Type.Object(
  {
    currency: Type.String(),
    months: Type.Array(ForecastMonth),
    backtest: Type.Array(BacktestMonth, { description: 'The past 6 months, oldest first' }),
    mape: Nullable(Type.Number(), {
      description: 'Mean absolute percentage error over the backtest months with something won; null if none',
    }),
    generatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const PeopleQuery = Type.Object(
  {
    period: Type.Optional(
      Type.Union([Type.Literal('month'), Type.Literal('quarter')], {
        default: 'month',
        description: 'month or quarter',
      }),
    ),
    date: Type.Optional(
      Type.String({
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
        maxLength: 10,
        description: 'A day of the period, YYYY-MM-DD (default: today in the company’s time zone)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PeopleQueryInput = Static<typeof PeopleQuery>;

const Figures = {
  wonValue: Money,
  wonCount: Type.Integer(),
  expectedValue: Type.Number({
    description: 'Won so far plus the open leads’ expected wins in the rest of the period',
  }),
  expectedCount: Type.Number(),
  targetValue: Nullable(Money),
  targetCount: Nullable(Type.Integer()),
  gapValue: Nullable(Type.Number({ description: 'expectedValue − targetValue: below 0 is short of the target' })),
  gapCount: Nullable(Type.Number({ description: 'expectedCount − targetCount' })),
};

export const PeopleForecast = Type.Object(
  {
    period: Type.Object(
      {
        kind: Type.String(),
        from: Type.String({ format: 'date' }),
        to: Type.String({ format: 'date' }),
      },
      { additionalProperties: false },
    ),
    currency: Type.String(),
    people: Type.Array(
      Type.Object({ userId: Type.String(), name: Type.String(), ...Figures }, { additionalProperties: false }),
    ),
    team: Type.Object(Figures, { additionalProperties: false }),
    generatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
