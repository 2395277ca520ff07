/**
 * Answering a lead report from the leads' monthly rollup (`lead_rollups`, migration 0020) instead of reading every
 * lead: live leads counted and valued per month of creation or of last stage change (in the company's zone),
 * owner and stage, kept exact by triggers. A question qualifies when everything it asks can be summed from those:
 * its measures have a rollup form, it groups only by stage, stage kind, owner, team and months (or coarser) of one
 * of the two times, it filters only by stage, owner and team, its window is whole months, and the caller's
 * visibility follows owners: admins and managers wholly; a salesperson's own leads come from the rollup and the
 * few it sees beyond them (co-sold, its warriors') are read and shaped as rollup rows. Anything else is answered
 * from the leads themselves, and both give the same figures (reports.rollups.test.ts compares them over random
 * data, questions and people).
 */
import { type Expression, type SqlBool, sql } from 'kysely';
import { leadIsLive, visibilityByOwner } from '../leads/scope.ts';
import type { Plan, ResolvedDimension } from './compile.ts';
import type { CompileContext, Grain, Subject, TimeField } from './semantic.ts';

/** The lead dimensions the rollup holds (each reads only the lead's stage or owner). */
const DIMENSIONS = new Set(['stage', 'stageKind', 'ownerId', 'team']);
/** The lead list filters it can apply (conditions on stage and owner alone). */
const FILTERS = new Set(['stage', 'ownerId', 'team']);
/** The lead times it counts by, and the grains a month adds up to. */
const TIMES = new Set(['createdAt', 'stageChangedAt']);
const GRAINS = new Set<Grain>(['month', 'quarter', 'year', 'fiscalYear']);

/** The month a rolled-up row counts in, as the date the time dimensions and the window read. */
const month: TimeField = { label: '', expr: sql.ref('l.month'), date: true };

const lastOfMonth = (date: string) => {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
const wholeMonths = (range: CompileContext['range']) =>
  !range || (range.from.endsWith('-01') && lastOfMonth(range.to) === range.to);

export interface RolledUp {
  plan: Plan;
  conditions: Expression<SqlBool>[];
}

/**
 * The question over the rollup, or null when the rollup cannot answer it. `filters` are the lead list's filters
 * as checked, `filterConditions` their SQL on `l` (columns the rollup shares with leads).
 */
export function rollupPlan(
  p: Plan,
  c: CompileContext,
  filters: Record<string, unknown>,
  filterConditions: Expression<SqlBool>[],
): RolledUp | null {
  if (p.subject.key !== 'leads' || c.d.engine !== 'postgres') return null;
  const scope = visibilityByOwner(c.actor);
  if (!scope) return null;
  if (Object.keys(filters).some((k) => filters[k] !== undefined && !FILTERS.has(k))) return null;
  if (!wholeMonths(c.range)) return null;
  if (p.measures.some((m) => !m.measure.rollup)) return null;
  const time = p.timeField?.key ?? 'createdAt';
  if (!TIMES.has(time)) return null;
  for (const d of p.dims) {
    if (d.time ? d.time.field !== time || !GRAINS.has(d.time.grain) : !DIMENSIONS.has(d.key)) return null;
    if (d.dim.joins?.some((j) => j.key !== 'team')) return null;
  }

  const column = sql.ref(time === 'createdAt' ? 'l.created_at' : 'l.stage_changed_at');
  // The leads seen beyond the owned ones, one rollup row each (the month as the trigger computes it).
  const from = scope.beyond
    ? sql`(SELECT l.time_field, l.month, l.owner_id, l.stage, l.lead_count, l.value_sum, l.value_count
        FROM lead_rollups l WHERE l.time_field = ${time} AND ${scope.owned}
        UNION ALL
        SELECT ${time}, date_trunc('month', ${column} AT TIME ZONE ${c.timeZone})::date, l.owner_id, l.stage, 1,
          coalesce(l.expected_value, 0), (l.expected_value IS NOT NULL)::int
        FROM leads l WHERE ${scope.beyond} AND ${leadIsLive}) l`
    : sql`lead_rollups l`;
  const subject: Subject = { ...p.subject, from: () => from, scope: () => [] };
  const dims = p.dims.map((d): ResolvedDimension => (d.time ? { ...d, time: { ...d.time, def: month } } : d));
  const measures = p.measures.map((m) => ({
    key: m.key,
    measure: { ...m.measure, expr: m.measure.rollup ?? m.measure.expr, joins: [] },
  }));
  const conditions: Expression<SqlBool>[] = [
    sql<SqlBool>`l.time_field = ${time}`,
    sql<SqlBool>`l.lead_count > 0`,
    ...(scope.beyond ? [] : [scope.owned]),
    ...filterConditions,
  ];
  if (c.range) conditions.push(sql<SqlBool>`l.month BETWEEN ${c.range.from}::date AND ${c.range.to}::date`);
  return { plan: { subject, dims, measures, timeField: { key: time, def: month } }, conditions };
}
