import { type Static, Type } from 'typebox';
import { Cursor, Limit, Nullable } from '../../http/schemas.ts';

const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code (default: the company’s)' });

export const CustomerSort = Type.Union([Type.Literal('revenue'), Type.Literal('expected'), Type.Literal('churn')], {
  description:
    'revenue (revenue to date, highest first), expected (expected value of the next 12 months, highest first), ' +
    'churn (churn risk, highest first); ties by lead id',
});

const StatusValue = Type.Union(
  [
    Type.Literal('active'),
    Type.Literal('cooling'),
    Type.Literal('at_risk'),
    Type.Literal('lapsed'),
    Type.Literal('no_purchases'),
  ],
  { description: 'From the churn risk: active (< 0.3), cooling (< 0.5), at_risk (< 0.8), lapsed; no_purchases' },
);

export const CustomersQuery = Type.Object(
  {
    sort: Type.Optional(CustomerSort),
    status: Type.Optional(StatusValue),
    currency: Type.Optional(CurrencyCode),
    limit: Limit,
    cursor: Cursor(),
  },
  { additionalProperties: false },
);
export type CustomersInput = Static<typeof CustomersQuery>;

export const Dimension = Type.Union(
  [Type.Literal('source'), Type.Literal('campaign'), Type.Literal('owner'), Type.Literal('partner')],
  { description: 'What to group the customers by' },
);

export const ByQuery = Type.Object(
  { dimension: Dimension, currency: Type.Optional(CurrencyCode) },
  { additionalProperties: false },
);
export type ByInput = Static<typeof ByQuery>;

const Money = (description: string) =>
  Nullable(Type.Number(), { description: `${description}; null when your role may not see deal values` });

const figureFields = {
  currency: Type.String({ description: 'Every amount of the row is in this currency' }),
  revenueToDate: Money('Invoices to date, net of negative invoices (credit notes), cancelled and void left out'),
  paymentsReceived: Money('Payments received to date'),
  purchases: Type.Integer({ description: 'Invoices with a positive total' }),
  averageOrderValue: Money('Revenue to date over purchases (null without purchases)'),
  firstPurchaseAt: Nullable(Type.String({ format: 'date' })),
  lastPurchaseAt: Nullable(Type.String({ format: 'date' })),
  expected12m: Money('Expected value of the next 12 months (see docs/insights.md)'),
  churnRisk: Nullable(Type.Number({ minimum: 0, maximum: 1 }), {
    description: 'The probability that the customer has stopped buying (null without purchases)',
  }),
  status: StatusValue,
  reason: Type.String({ description: 'Why, in words: "no purchase for 140 days; usually every 30 days"' }),
};

export const Customer = Type.Object({
  leadId: Type.String({ format: 'uuid' }),
  name: Type.String(),
  ownerId: Nullable(Type.String({ format: 'uuid' })),
  ownerName: Nullable(Type.String()),
  source: Nullable(Type.String()),
  campaign: Nullable(Type.String()),
  ...figureFields,
});

const ModelInfo = Type.Object(
  {
    kind: Type.Union([Type.Literal('mbg_nbd'), Type.Literal('simple'), Type.Literal('none')], {
      description:
        'mbg_nbd: MBG/NBD with Gamma-Gamma spend, fitted on the company’s customers of this currency; simple: ' +
        'too few repeat customers to fit it (see docs/insights.md); none: no purchases yet',
    }),
    customers: Type.Integer({ description: 'Customers of the currency with a purchase (the whole company’s)' }),
    repeatCustomers: Type.Integer(),
    minRepeatCustomers: Type.Integer({ description: 'Repeat customers needed before the model is fitted' }),
  },
  { description: 'The model behind expected values and churn risk in this currency' },
);

export const CustomerPage = Type.Object({
  data: Type.Array(Customer),
  nextCursor: Nullable(Type.String(), { description: 'null on the last page' }),
  total: Type.Integer({ description: 'Customers matching, across pages' }),
  currency: Type.String(),
  currencies: Type.Array(Type.String(), { description: 'Every currency your customers have documents in' }),
  model: ModelInfo,
});

export const ByRow = Type.Object({
  key: Nullable(Type.String(), { description: 'The source, campaign, owner id or partner id; null: none' }),
  label: Type.String(),
  customers: Type.Integer(),
  revenueToDate: Money('Sum over the customers'),
  expected12m: Money('Sum over the customers'),
  averageValue: Money('Revenue to date per customer'),
});

export const ByResult = Type.Object({
  dimension: Dimension,
  rows: Type.Array(ByRow, { description: 'Highest revenue first' }),
  totals: Type.Object({
    customers: Type.Integer(),
    revenueToDate: Money('All customers'),
    expected12m: Money('All customers'),
    averageValue: Money('Revenue to date per customer'),
    atRisk: Type.Integer({ description: 'Customers at risk' }),
    lapsed: Type.Integer({ description: 'Customers lapsed' }),
  }),
  currency: Type.String(),
  currencies: Type.Array(Type.String()),
  model: ModelInfo,
});

export const LeadValue = Type.Object({
  ...Customer.properties,
  otherCurrencies: Type.Array(Type.Object(figureFields), {
    description: 'The same figures for documents in other currencies (amounts are never converted)',
  }),
  model: ModelInfo,
});

export const RefreshQueued = Type.Object({ queued: Type.Boolean() }, { additionalProperties: false });
