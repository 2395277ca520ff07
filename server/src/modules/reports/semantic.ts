/**
 * The semantic layer: every report is a question over one subject (leads, stage moves, activities, messages,
 * sign-ins, assignments, data-quality records), asked as measures grouped by up to three dimensions within a
 * time range and filters. Subjects declare their measures and dimensions once, as SQL over their own aliases
 * written with the context's dialect (`dialect.ts`); `compile.ts` turns a question into one query for PostgreSQL
 * or ClickHouse, and each figure's drill-down into the query string of the list (leads or activities) that shows
 * the records behind it, built from the same definitions.
 */
import type { Expression, RawBuilder, SqlBool } from 'kysely';
import type { Actor } from '../../http/context.ts';
import type { ControlledField, FieldAccess } from '../leads/index.ts';
import type { Permission } from '../users/index.ts';
import type { Dialect } from './dialect.ts';

export type StageKind = 'open' | 'won' | 'lost';
export interface StageInfo {
  key: string;
  name: string;
  kind: StageKind;
  position: number;
  /** The chance a lead in this stage is won: the admin's figure, or learnt from history (null: not needed yet). */
  probability: number;
}

/** What a compilation knows of the caller and the company. */
export interface CompileContext {
  actor: Actor;
  access: FieldAccess;
  timeZone: string;
  /** The company's currency: money measures that must not add currencies up sum only its amounts. */
  currency: string;
  now: Date;
  /** 1..12: the month the company's fiscal year starts. */
  fiscalStart: number;
  stages: StageInfo[];
  /** Custom fields a report may group by (active, visible to the caller). */
  customFields: { key: string; label: string; type: string }[];
  /** The reporting window, as dates in the company's time zone and the instants they begin and end. */
  range: { from: string; to: string; fromAt: string; toAt: string } | null;
  /** The SQL dialect the question compiles to. */
  d: Dialect;
  /** Which leads the caller sees, on the alias `l`, in that dialect. */
  leadScope: Expression<SqlBool>;
  /** For ClickHouse: each user's heads (itself when it manages, and every manager or admin above it). */
  teamHeads?: Map<string, string[]>;
}

export type DimensionKind = 'time' | 'user' | 'partner' | 'stage' | 'source' | 'text' | 'tag';
export type MeasureFormat = 'count' | 'money' | 'percent' | 'seconds' | 'number' | 'datetime';
export type ListKind = 'leads' | 'activities';

/** Query-string parameters of a list; a value is what the parameter carries (comma lists for several keys). */
export type DrillParams = Record<string, string>;

/** SQL a dimension or measure needs beyond the subject's FROM (a lateral join), named so it joins once. */
export interface Join {
  key: string;
  sql: (c: CompileContext) => RawBuilder<unknown>;
}

export interface Dimension {
  label: string;
  kind: DimensionKind;
  /** The grouped value (text, or null). */
  expr: (c: CompileContext) => RawBuilder<unknown>;
  /** A readable name for a value: a lookup of the grouped value (user and partner names)... */
  labelExpr?: (value: RawBuilder<unknown>) => RawBuilder<unknown>;
  /** ...or, when set, an aggregate over the group's rows (one spelling of a free-text value). */
  labelInner?: boolean;
  /** Whose names `labelExpr` looks up: where a dialect looks them up after the query instead. */
  names?: 'users' | 'partners';
  /** The field permission that decides whether the caller may group by it. */
  field?: ControlledField | null;
  /** A custom field key whose permission decides it. */
  customField?: string;
  joins?: Join[];
  /** The list parameters that select one value of it; null when no list can (the figure then has no drill-down). */
  drill?: (value: string | null, c: CompileContext) => DrillParams | null;
  /** Ordering of its values: pipeline order for stages. */
  order?: (value: RawBuilder<unknown>, c: CompileContext) => RawBuilder<unknown>;
}

export interface Measure {
  label: string;
  format: MeasureFormat;
  /** An aggregate over the subject's rows. */
  expr: (c: CompileContext) => RawBuilder<unknown>;
  /** The field permission(s) that decide whether the caller may see it. */
  field?: ControlledField | readonly ControlledField[] | null;
  joins?: Join[];
  /**
   * The list parameters that, added to the row's own, list exactly the records this figure counts or sums;
   * absent when no list can (a ratio, a percentile, a count of moves rather than leads).
   */
  drill?: (c: CompileContext) => DrillParams | null;
  /**
   * The same figure over the leads' monthly rollup (`rollups.ts`: `l.lead_count`, `l.value_sum`, `l.value_count`
   * per month, owner and stage), where it can be summed from those; absent when it cannot.
   */
  rollup?: (c: CompileContext) => RawBuilder<unknown>;
}

export interface TimeField {
  label: string;
  /** A timestamptz (or a date, when `date` is set). */
  expr: RawBuilder<unknown>;
  date?: boolean;
  /** How a window on it is asked of the subject's list. */
  drill?: { kind: 'dates'; min: string; max: string } | { kind: 'instants'; from: string; to: string };
  field?: ControlledField | null;
}

export interface Subject {
  key: string;
  label: string;
  description: string;
  /** FROM and joins, with the lead (when there is one) as `l`. */
  from: (c: CompileContext) => RawBuilder<unknown>;
  /** What the caller may see of it, and what the subject always requires. */
  scope: (c: CompileContext) => Expression<SqlBool>[];
  /** The permission (beyond reports:read) a caller needs to report on it. */
  permission?: Permission;
  /** False when ClickHouse does not hold its records: it is always answered by PostgreSQL. */
  clickhouse?: boolean;
  /** Report filters are the lead list's filters, on `l`. */
  leadFilters: boolean;
  /** The list a figure drills into. */
  list: ListKind | null;
  timeFields: Record<string, TimeField>;
  defaultTime: string | null;
  dimensions: Record<string, Dimension>;
  measures: Record<string, Measure>;
}

export const grains = ['day', 'week', 'month', 'quarter', 'year', 'fiscalYear'] as const;
export type Grain = (typeof grains)[number];

export const charts = ['kpi', 'bar', 'line', 'area', 'funnel', 'donut', 'table'] as const;
export type Chart = (typeof charts)[number];

/** A question to the semantic layer: what the builder saves and every pre-built report is. */
export interface Definition {
  subject: string;
  measures: string[];
  groupBy?: string[];
  filters?: Record<string, unknown>;
  timeField?: string;
  chart?: Chart;
}

export const stageKeys = (c: CompileContext, kind: StageKind) =>
  c.stages.filter((s) => s.kind === kind).map((s) => s.key);

/**
 * Two sets of list parameters that must both hold, as one set: lists of keys intersect, lower bounds take the
 * later and upper bounds the earlier; null when they cannot both hold (no record matches both).
 */
export function mergeDrill(a: DrillParams, b: DrillParams): DrillParams | null {
  const out: DrillParams = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    if (mine === undefined || mine === value) {
      out[key] = value;
    } else if (key.endsWith('.min') || key === 'dueFrom') {
      out[key] = mine > value ? mine : value;
    } else if (key.endsWith('.max') || key === 'dueTo') {
      out[key] = mine < value ? mine : value;
    } else {
      const theirs = new Set(value.split(','));
      const both = mine.split(',').filter((v) => theirs.has(v));
      if (both.length === 0) return null;
      out[key] = both.join(',');
    }
  }
  return out;
}
