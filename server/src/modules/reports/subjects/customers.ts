/**
 * Customers and their lifetime value: one row per live customer (a lead in a won stage, or one the books hold
 * invoices or payments for) from `customer_values`, which the customer-value module recomputes every morning and
 * on demand with the figures its own pages show: revenue to date, expected value of the next 12 months, churn risk
 * and its status, each in the customer's main currency. Amounts in different currencies are never added up: money
 * measures sum the customers in the company's currency only (the `currency` grouping shows how many are in
 * others). The lead list has no filter for customers, so no figure drills into it. ClickHouse holds no copy of
 * the table: PostgreSQL answers.
 */
import { type RawBuilder, sql } from 'kysely';
import { leadIsLive } from '../../leads/scope.ts';
import type { CompileContext, Dimension, Measure, Subject } from '../semantic.ts';
import { leadDimensions } from './lead-parts.ts';

/** The statuses the customer-value module gives, from its churn-risk bands, in their order. */
const statuses = ['active', 'cooling', 'at_risk', 'lapsed', 'no_purchases'] as const;
const statusLabels: Record<(typeof statuses)[number], string> = {
  active: 'Active',
  cooling: 'Cooling',
  at_risk: 'At risk',
  lapsed: 'Lapsed',
  no_purchases: 'No purchases yet',
};

const leadDims = leadDimensions();
/** Lead dimensions without a drill-down (no list shows customers only). */
const pick = (...keys: string[]): Record<string, Dimension> =>
  Object.fromEntries(keys.flatMap((k) => (leadDims[k] ? [[k, { ...leadDims[k], drill: () => null }]] : [])));

/** The row is in the company's currency: the only rows money measures add up. */
const inCompanyCurrency = (c: CompileContext) => sql`cv.currency = ${c.d.value(c.currency, 'String')}`;

/** A sum of amounts in the company's currency; null for a group with no customer in it. */
const money = (label: string, amount: RawBuilder<unknown>): Measure => ({
  label,
  format: 'money',
  field: 'expectedValue',
  expr: (c) => sql`sum(${amount}) FILTER (WHERE ${inCompanyCurrency(c)})`,
});

const count = (label: string, where: RawBuilder<unknown>): Measure => ({
  label,
  format: 'count',
  expr: () => sql`count(*) FILTER (WHERE ${where})`,
});

export const customersSubject: Subject = {
  key: 'customers',
  clickhouse: false,
  label: 'Customers',
  description:
    'Customers (won leads and leads the books hold invoices or payments for) with revenue to date, expected ' +
    'value of the next 12 months and churn risk, as of the last daily refresh; money figures add up only the ' +
    'customers in the company’s currency (group by currency to see the others)',
  from: () => sql`customer_values cv JOIN leads l ON l.company_id = cv.company_id AND l.id = cv.lead_id`,
  scope: (c) => [c.leadScope, leadIsLive],
  permission: 'insights:read',
  leadFilters: true,
  list: null,
  timeFields: {
    firstPurchaseAt: { label: 'First purchase', expr: sql`cv.first_purchase_at`, date: true },
    lastPurchaseAt: { label: 'Last purchase', expr: sql`cv.last_purchase_at`, date: true },
  },
  defaultTime: 'firstPurchaseAt',
  dimensions: {
    ...pick('source', 'campaign', 'ownerId', 'partnerId', 'team', 'product', 'city'),
    customerStatus: {
      label: 'Customer status',
      kind: 'text',
      expr: () => sql`cv.status`,
      labelExpr: (value) =>
        sql`min(CASE ${sql.join(
          statuses.map((s) => sql`WHEN ${value} = ${sql.lit(s)} THEN ${sql.lit(statusLabels[s])}`),
          sql` `,
        )} END)`,
      labelInner: true,
      order: (value, c) => c.d.position(statuses, value),
    },
    currency: { label: 'Currency of the figures', kind: 'text', expr: () => sql`cv.currency` },
  },
  measures: {
    customers: { label: 'Customers', format: 'count', expr: () => sql`count(*)` },
    revenueToDate: money('Revenue to date', sql`cv.revenue_to_date`),
    paymentsReceived: money('Payments received', sql`cv.payments_received`),
    expected12m: money('Expected 12 months', sql`cv.expected_12m`),
    lifetimeValue: money('Lifetime value', sql`cv.revenue_to_date + cv.expected_12m`),
    averageLifetimeValue: {
      label: 'Average lifetime value',
      format: 'money',
      field: 'expectedValue',
      expr: (c) => sql`avg(cv.revenue_to_date + cv.expected_12m) FILTER (WHERE ${inCompanyCurrency(c)})`,
    },
    purchases: { label: 'Purchases', format: 'count', expr: () => sql`coalesce(sum(cv.purchases), 0)` },
    atChurnRisk: count('At churn risk', sql`cv.status = 'at_risk'`),
    lapsed: count('Lapsed', sql`cv.status = 'lapsed'`),
    averageChurnRisk: { label: 'Average churn risk', format: 'percent', expr: () => sql`avg(cv.churn_risk)::float8` },
  },
};
