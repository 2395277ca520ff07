/**
 * The revenue forecast kept month by month (`forecast_months`, written by the forecasts module's daily job) beside
 * what was actually won, by month and owner. The forecast is the kept figure; what was won is counted from the
 * leads when the report runs, as the forecast's own backtest counts it: live leads in a won stage whose stage
 * changed within the month (calendar months in the company's time zone), by their owner now. Only months that have
 * a kept forecast are reported; an owner who won in such a month with no forecast of their own has a row with a
 * forecast of 0. The figures are the company's, over every lead: a caller sees the rows of the people it may see,
 * and the row of leads with no owner only when its role sees every lead. ClickHouse holds none of this.
 */
import { type RawBuilder, sql } from 'kysely';
import { leadIsLive } from '../../leads/scope.ts';
import { type Role, userVisibleTo } from '../../users/index.ts';
import type { CompileContext, Subject } from '../semantic.ts';
import { userDimension } from './lead-parts.ts';

/** The roles leadVisibleTo (leads/scope.ts) lets see every lead: the only ones shown the leads with no owner. */
const SEES_EVERY_LEAD: readonly Role[] = ['ADMIN', 'DEV', 'GUEST'];

const basisLabels: Record<string, string> = { recorded: 'Recorded', reconstructed: 'Reconstructed' };

/**
 * One row per (month, owner): the kept forecast (`expected_value`, `expected_count`, `basis`) and what the owner's
 * leads won in the month (`won_value`, `won_count`), for the months with a kept forecast.
 */
const forecastRows = (c: CompileContext) => sql`(SELECT x.company_id, x.month, x.owner_id, x.basis,
    sum(x.expected_value) AS expected_value, sum(x.expected_count) AS expected_count,
    sum(x.won_value) AS won_value, sum(x.won_count) AS won_count
  FROM (
    SELECT f.company_id, f.month, f.owner_id, f.basis, f.expected_value, f.expected_count,
      0::numeric AS won_value, 0 AS won_count
    FROM forecast_months f
    UNION ALL
    SELECT l.company_id, m.month, l.owner_id, m.basis, 0, 0, coalesce(l.expected_value, 0), 1
    FROM (SELECT DISTINCT k.company_id, k.month, k.basis FROM forecast_months k) m
    JOIN leads l ON l.company_id = m.company_id AND ${leadIsLive}
      AND l.stage IN (SELECT s.key FROM pipeline_stages s WHERE s.kind = 'won')
      AND l.stage_changed_at >= (m.month::timestamp AT TIME ZONE ${c.timeZone})
      AND l.stage_changed_at < ((m.month + interval '1 month')::timestamp AT TIME ZONE ${c.timeZone})
  ) x
  GROUP BY x.company_id, x.month, x.owner_id, x.basis) fm`;

const forecast = (c: CompileContext) => c.d.sum(sql`fm.expected_value`);
const actual = (c: CompileContext) => c.d.sum(sql`fm.won_value`);
const named = (value: RawBuilder<unknown>) =>
  sql`min(CASE ${sql.join(
    Object.entries(basisLabels).map(([k, v]) => sql`WHEN ${value} = ${sql.lit(k)} THEN ${sql.lit(v)}`),
    sql` `,
  )} END)`;

export const forecastMonthsSubject: Subject = {
  key: 'forecastMonths',
  clickhouse: false,
  label: 'Forecast against actual',
  description:
    'The revenue forecast kept for each month, by owner, beside what was won that month: recorded when the month began, or reconstructed from history',
  from: forecastRows,
  scope: (c) => {
    const people = sql`fm.owner_id IN (SELECT u.id FROM users u WHERE ${userVisibleTo(c.actor)})`;
    return [
      SEES_EVERY_LEAD.includes(c.actor.role)
        ? sql<boolean>`(${people} OR fm.owner_id IS NULL)`
        : sql<boolean>`${people}`,
    ];
  },
  permission: 'insights:read',
  leadFilters: false,
  list: null,
  timeFields: { month: { label: 'Month', expr: sql`fm.month`, date: true } },
  defaultTime: 'month',
  dimensions: {
    ownerId: userDimension('Owner', sql`fm.owner_id`, null, { field: 'ownerId' }),
    basis: {
      label: 'Basis',
      kind: 'text',
      expr: () => sql`fm.basis`,
      labelExpr: named,
      labelInner: true,
    },
  },
  measures: {
    forecast: { label: 'Forecast', format: 'money', field: 'expectedValue', expr: forecast },
    forecastCount: { label: 'Forecast count', format: 'number', expr: (c) => c.d.sum(sql`fm.expected_count`) },
    actual: { label: 'Actual', format: 'money', field: 'expectedValue', expr: actual },
    actualCount: { label: 'Actual count', format: 'count', expr: (c) => c.d.sum(sql`fm.won_count`) },
    errorPct: {
      label: 'Forecast error',
      format: 'percent',
      field: 'expectedValue',
      expr: (c) => c.d.ratio(sql`${forecast(c)} - ${actual(c)}`, actual(c)),
    },
    absoluteError: {
      label: 'Absolute error',
      format: 'money',
      field: 'expectedValue',
      expr: (c) => sql`abs(${forecast(c)} - ${actual(c)})`,
    },
  },
};
