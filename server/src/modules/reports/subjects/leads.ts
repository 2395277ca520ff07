/**
 * Leads as they are now: counts and values by stage and its kind, win rate, sales cycle, the weighted pipeline,
 * speed to lead, and the data-quality counts. A count's drill-down is the lead list with the same filters.
 */
import { type RawBuilder, sql } from 'kysely';
import { leadIsLive } from '../../leads/scope.ts';
import { type CompileContext, type Join, type Measure, type Subject, stageKeys } from '../semantic.ts';
import { insightDimensions, insightMeasures } from './lead-insights.ts';
import { leadDimensions, leadTimeFields } from './lead-parts.ts';

const inKind = (c: CompileContext, kind: 'open' | 'won' | 'lost') => c.d.oneOf(sql`l.stage`, stageKeys(c, kind));
const count = (c: CompileContext, where: RawBuilder<unknown>) => c.d.count(where);
const sumValue = (c: CompileContext, where: RawBuilder<unknown>) => c.d.sum(sql`l.expected_value`, where);
const kindDrill = (kind: 'open' | 'won' | 'lost') => (c: CompileContext) => {
  const keys = stageKeys(c, kind);
  return keys.length > 0 ? { stage: keys.join(',') } : null;
};
/** Over the monthly rollup: leads counted, values summed, and the number of leads with a value (for averages). */
const rolled = (c: CompileContext, where?: RawBuilder<unknown>) => c.d.sum(sql`l.lead_count`, where);
const rolledValue = (c: CompileContext, where?: RawBuilder<unknown>) => c.d.sum(sql`l.value_sum`, where);
const rolledAvg = (c: CompileContext, where?: RawBuilder<unknown>) =>
  sql`${rolledValue(c, where)} / nullif(${c.d.sum(sql`l.value_count`, where)}, 0)`;
const nowAt = (c: CompileContext) => c.d.timestamp(c.now.toISOString());
const cycle = (c: CompileContext) => c.d.seconds(sql`l.created_at`, sql`l.stage_changed_at`);

/** The first time anyone worked the lead: a completed activity, a note, an email or WhatsApp message sent. */
export const firstResponse: Join = {
  key: 'first_response',
  sql: (c) =>
    c.d.firstOf('fr', [
      { table: 'activities', alias: 'a', column: 'completed_at', where: sql`a.status = 'done'` },
      { table: 'lead_notes', alias: 'n', column: 'created_at' },
      { table: 'email_messages', alias: 'm', column: 'sent_at', where: sql`m.sent_at IS NOT NULL` },
      { table: 'whatsapp_messages', alias: 'w', column: 'at', where: sql`w.direction = 'outbound'` },
    ]),
};
/** Seconds from arrival to the first touch; null for a lead nobody has reached (left out of the percentiles). */
const responseSeconds = (c: CompileContext) =>
  sql`CASE WHEN fr.at IS NULL THEN NULL ELSE ${c.d.greatest(c.d.seconds(sql`l.created_at`, sql`fr.at`), sql`0`)} END`;
const reachedWithin = (limit: number): Measure => ({
  label: `Reached within ${limit >= 3600 ? `${limit / 3600} h` : `${limit / 60} min`}`,
  format: 'percent' as const,
  joins: [firstResponse],
  expr: (c) =>
    c.d.ratio(count(c, sql`fr.at IS NOT NULL AND ${responseSeconds(c)} <= ${c.d.value(limit, 'Int64')}`), c.d.count()),
});

/** An open lead with no follow-up or meeting still to do. */
const noNextStep = (c: CompileContext) =>
  sql`NOT ${c.d.leadHas('activities', 'a', sql`a.status = 'open' AND a.type IN ('follow_up', 'meeting')`)}`;

/** The p90 of the time leads spent in a stage before leaving it, per stage: stuck leads have been there longer. */
const stuckJoin: Join = {
  key: 'stuck',
  // Over the moves of the leads the caller sees (the inner `l`), like every other figure.
  sql: (
    c,
  ) => sql`LEFT JOIN (SELECT h.from_stage AS from_stage, ${c.d.percentile(0.9, sql`h.seconds_in_previous`)} AS p90
      FROM ${c.d.table('lead_stage_history', 'h')} JOIN ${c.d.table('leads', 'l')}
        ON l.company_id = h.company_id AND l.id = h.lead_id
      WHERE h.from_stage IS NOT NULL AND h.seconds_in_previous IS NOT NULL AND ${c.leadScope} AND ${leadIsLive}
      GROUP BY h.from_stage) st ON st.from_stage = l.stage`,
};

const STALE_DAYS = 30;
const staleBefore = (c: CompileContext) => new Date(c.now.getTime() - STALE_DAYS * 86_400_000).toISOString();
/** Today in the company's zone, as a date. */
const today = (c: CompileContext) => new Intl.DateTimeFormat('en-CA', { timeZone: c.timeZone }).format(c.now);
const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

const probability = (c: CompileContext) =>
  sql`CASE ${sql.join(
    c.stages.map((s) => sql`WHEN l.stage = ${c.d.value(s.key, 'String')} THEN ${c.d.value(s.probability, 'Decimal')}`),
    sql` `,
  )} ELSE ${c.d.value(0, 'Decimal')} END`;

const measures: Record<string, Measure> = {
  leads: { label: 'Leads', format: 'count', expr: (c) => c.d.count(), drill: () => ({}), rollup: (c) => rolled(c) },
  value: {
    label: 'Value',
    format: 'money',
    field: 'expectedValue',
    expr: (c) => c.d.sum(sql`l.expected_value`),
    drill: () => ({}),
    rollup: (c) => rolledValue(c),
  },
  openLeads: {
    label: 'Open',
    format: 'count',
    expr: (c) => count(c, inKind(c, 'open')),
    drill: kindDrill('open'),
    rollup: (c) => rolled(c, inKind(c, 'open')),
  },
  openValue: {
    label: 'Open value',
    format: 'money',
    field: 'expectedValue',
    expr: (c) => sumValue(c, inKind(c, 'open')),
    drill: kindDrill('open'),
    rollup: (c) => rolledValue(c, inKind(c, 'open')),
  },
  wonLeads: {
    label: 'Won',
    format: 'count',
    expr: (c) => count(c, inKind(c, 'won')),
    drill: kindDrill('won'),
    rollup: (c) => rolled(c, inKind(c, 'won')),
  },
  wonValue: {
    label: 'Won value',
    format: 'money',
    field: 'expectedValue',
    expr: (c) => sumValue(c, inKind(c, 'won')),
    drill: kindDrill('won'),
    rollup: (c) => rolledValue(c, inKind(c, 'won')),
  },
  lostLeads: {
    label: 'Lost',
    format: 'count',
    expr: (c) => count(c, inKind(c, 'lost')),
    drill: kindDrill('lost'),
    rollup: (c) => rolled(c, inKind(c, 'lost')),
  },
  lostValue: {
    label: 'Lost value',
    format: 'money',
    field: 'expectedValue',
    expr: (c) => sumValue(c, inKind(c, 'lost')),
    drill: kindDrill('lost'),
    rollup: (c) => rolledValue(c, inKind(c, 'lost')),
  },
  winRate: {
    label: 'Win rate',
    format: 'percent',
    expr: (c) => c.d.ratio(count(c, inKind(c, 'won')), count(c, sql`${inKind(c, 'won')} OR ${inKind(c, 'lost')}`)),
    rollup: (c) => c.d.ratio(rolled(c, inKind(c, 'won')), rolled(c, sql`${inKind(c, 'won')} OR ${inKind(c, 'lost')}`)),
  },
  conversionRate: {
    label: 'Converted',
    format: 'percent',
    expr: (c) => c.d.ratio(count(c, inKind(c, 'won')), c.d.count()),
    rollup: (c) => c.d.ratio(rolled(c, inKind(c, 'won')), rolled(c)),
  },
  avgValue: {
    label: 'Average value',
    format: 'money',
    field: 'expectedValue',
    expr: (c) => c.d.avg(sql`l.expected_value`),
    rollup: (c) => rolledAvg(c),
  },
  avgOpenValue: {
    label: 'Average open value',
    format: 'money',
    field: 'expectedValue',
    expr: (c) => c.d.avg(sql`l.expected_value`, inKind(c, 'open')),
    rollup: (c) => rolledAvg(c, inKind(c, 'open')),
  },
  avgWonValue: {
    label: 'Average won value',
    format: 'money',
    field: 'expectedValue',
    expr: (c) => c.d.avg(sql`l.expected_value`, inKind(c, 'won')),
    rollup: (c) => rolledAvg(c, inKind(c, 'won')),
  },
  salesCycle: {
    label: 'Average sales cycle',
    format: 'seconds',
    expr: (c) => c.d.avg(cycle(c), inKind(c, 'won')),
  },
  medianSalesCycle: {
    label: 'Median sales cycle',
    format: 'seconds',
    expr: (c) => c.d.percentile(0.5, cycle(c), inKind(c, 'won')),
  },
  weightedValue: {
    label: 'Weighted value',
    format: 'money',
    field: 'expectedValue',
    expr: (c) => c.d.sum(sql`l.expected_value * ${probability(c)}`, inKind(c, 'open')),
  },
  timeInStage: {
    label: 'Median time in current stage',
    format: 'seconds',
    expr: (c) => c.d.percentile(0.5, c.d.seconds(sql`l.stage_changed_at`, nowAt(c))),
  },
  stuckLeads: {
    label: 'Stuck past p90',
    format: 'count',
    joins: [stuckJoin],
    expr: (c) =>
      count(
        c,
        sql`${inKind(c, 'open')} AND st.p90 IS NOT NULL AND ${c.d.seconds(sql`l.stage_changed_at`, nowAt(c))} > st.p90`,
      ),
  },
  noNextStep: {
    label: 'No next step',
    format: 'count',
    expr: (c) => count(c, sql`${inKind(c, 'open')} AND ${noNextStep(c)}`),
  },
  engagedOpen: {
    label: 'Engaged, not converted',
    format: 'count',
    expr: (c) => count(c, sql`${inKind(c, 'open')} AND ${c.d.leadHas('activities', 'a', sql`a.status = 'done'`)}`),
  },
  unassigned: {
    label: 'Unassigned',
    format: 'count',
    field: 'ownerId',
    expr: (c) => count(c, sql`l.owner_id IS NULL`),
    drill: () => ({ ownerId: 'none' }),
    rollup: (c) => rolled(c, sql`l.owner_id IS NULL`),
  },
  stale: {
    label: `No work in ${STALE_DAYS} days`,
    format: 'count',
    expr: (c) => count(c, sql`${inKind(c, 'open')} AND l.last_touched_at <= ${c.d.timestamp(staleBefore(c))}`),
    drill: (c) => {
      const open = kindDrill('open')(c);
      return open ? { ...open, 'lastTouchedAt.max': staleBefore(c) } : null;
    },
  },
  pastCloseDate: {
    label: 'Past close date',
    format: 'count',
    field: 'expectedCloseDate',
    expr: (c) => count(c, sql`${inKind(c, 'open')} AND l.expected_close_date < ${c.d.date(today(c))}`),
    drill: (c) => {
      const open = kindDrill('open')(c);
      return open ? { ...open, 'expectedCloseDate.max': dayBefore(today(c)) } : null;
    },
  },
  pastCloseValue: {
    label: 'Value past close date',
    format: 'money',
    field: ['expectedValue', 'expectedCloseDate'],
    expr: (c) => sumValue(c, sql`${inKind(c, 'open')} AND l.expected_close_date < ${c.d.date(today(c))}`),
  },
  missingEmail: {
    label: 'No email',
    format: 'count',
    field: 'emails',
    expr: (c) => count(c, c.d.arrayEmpty(sql`l.emails`)),
  },
  missingPhone: {
    label: 'No phone',
    format: 'count',
    field: 'phones',
    expr: (c) => count(c, c.d.arrayEmpty(sql`l.phones`)),
  },
  missingValue: {
    label: 'No value',
    format: 'count',
    field: 'expectedValue',
    expr: (c) => count(c, sql`l.expected_value IS NULL`),
  },
  missingCloseDate: {
    label: 'No close date',
    format: 'count',
    field: 'expectedCloseDate',
    expr: (c) => count(c, sql`${inKind(c, 'open')} AND l.expected_close_date IS NULL`),
  },
  medianResponse: {
    label: 'Median speed to lead',
    format: 'seconds',
    joins: [firstResponse],
    expr: (c) => c.d.percentile(0.5, responseSeconds(c)),
  },
  p90Response: {
    label: 'p90 speed to lead',
    format: 'seconds',
    joins: [firstResponse],
    expr: (c) => c.d.percentile(0.9, responseSeconds(c)),
  },
  within5m: reachedWithin(300),
  within1h: reachedWithin(3600),
  within24h: reachedWithin(86_400),
  neverReached: {
    label: 'Never reached',
    format: 'count',
    joins: [firstResponse],
    expr: (c) => count(c, sql`fr.at IS NULL`),
  },
};

export const leadsSubject: Subject = {
  key: 'leads',
  label: 'Leads',
  description: 'Leads as they are now, by when they were created, changed stage or are expected to close',
  from: (c) => c.d.table('leads', 'l'),
  scope: (c) => [c.leadScope, leadIsLive],
  leadFilters: true,
  list: 'leads',
  timeFields: leadTimeFields(),
  defaultTime: 'createdAt',
  dimensions: { ...leadDimensions(), ...insightDimensions },
  measures: { ...measures, ...insightMeasures },
};
