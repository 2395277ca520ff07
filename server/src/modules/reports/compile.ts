/**
 * A question to the semantic layer compiled to SQL in the context's dialect (PostgreSQL or ClickHouse): one
 * grouped query over the subject (the caller's visibility, the filters and the time window in its WHERE), the
 * labels looked up on the groups it returns (on ClickHouse, names are looked up in PostgreSQL afterwards), and a
 * second query for the grand totals. Every value reaches the SQL as a bound parameter; only names the layer
 * itself declares are written into it.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { FieldError } from '../../http/errors.ts';
import { NoClickHouseForm } from './dialect.ts';
import {
  type CompileContext,
  type Dimension,
  type Grain,
  grains,
  type Join,
  type Measure,
  type Subject,
  type TimeField,
} from './semantic.ts';
import { customDimension } from './subjects/lead-parts.ts';

export interface ResolvedDimension {
  key: string;
  dim: Dimension;
  /** A time dimension: its field and grain. */
  time?: { field: string; def: TimeField; grain: Grain };
}

export interface ResolvedMeasure {
  key: string;
  measure: Measure;
}

export interface Plan {
  subject: Subject;
  dims: ResolvedDimension[];
  measures: ResolvedMeasure[];
  timeField: { key: string; def: TimeField } | null;
}

export const MAX_GROUPS = 3;
export const MAX_MEASURES = 8;

/** Whether the caller's role may not see one of the fields a part of the layer reads. */
export const isHidden = (access: CompileContext['access'], field: string | readonly string[] | null | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).some(
    (f: string) => access.fields[f as keyof CompileContext['access']['fields']] === 'hidden',
  );
const hidden = (c: CompileContext, field: string | readonly string[] | null | undefined) => isHidden(c.access, field);

/** A grouping key as the subject knows it: a dimension, `<timeField>.<grain>` or `customFields.<key>`. */
function resolveDimension(subject: Subject, key: string, c: CompileContext): ResolvedDimension | string {
  const dim = subject.dimensions[key];
  if (dim) return hidden(c, dim.field) ? 'is a field your role may not see' : { key, dim };
  const custom = /^customFields\.([a-z][a-z0-9_]{0,39})$/.exec(key);
  if (custom && subject.leadFilters && subject.list !== 'activities') {
    const def = c.customFields.find((f) => f.key === custom[1]);
    return def ? { key, dim: customDimension(def.key, def.label, def.type) } : `${custom[1]} is not a custom field`;
  }
  const dot = key.lastIndexOf('.');
  const field = key.slice(0, dot);
  const grain = key.slice(dot + 1) as Grain;
  const def = subject.timeFields[field];
  if (dot > 0 && def && (grains as readonly string[]).includes(grain)) {
    if (hidden(c, def.field)) return 'is a field your role may not see';
    return { key, dim: { label: def.label, kind: 'time', expr: () => sql`` }, time: { field, def, grain } };
  }
  return `is not a grouping of ${subject.label.toLowerCase()}: use one of ${Object.keys(subject.dimensions).join(', ')} or <time field>.<grain>`;
}

/** Checks a question against its subject and the caller's field access; every problem names its path. */
export function plan(
  subject: Subject,
  input: { measures: string[]; groupBy: string[]; timeField?: string | undefined },
  c: CompileContext,
  prefix: string,
  errors: FieldError[],
): Plan {
  const measures: ResolvedMeasure[] = [];
  if (input.measures.length === 0) errors.push({ path: `${prefix}measures`, message: 'needs at least one measure' });
  if (input.measures.length > MAX_MEASURES) {
    errors.push({ path: `${prefix}measures`, message: `takes at most ${MAX_MEASURES} measures` });
  }
  input.measures.forEach((key, i) => {
    const measure = subject.measures[key];
    if (!measure) {
      errors.push({
        path: `${prefix}measures.${i}`,
        message: `${key} is not a measure of ${subject.label.toLowerCase()}: use one of ${Object.keys(subject.measures).join(', ')}`,
      });
    } else if (hidden(c, measure.field)) {
      errors.push({ path: `${prefix}measures.${i}`, message: `${key} reads a field your role may not see` });
    } else measures.push({ key, measure });
  });
  const dims: ResolvedDimension[] = [];
  if (input.groupBy.length > MAX_GROUPS) {
    errors.push({ path: `${prefix}groupBy`, message: `takes at most ${MAX_GROUPS} groupings` });
  }
  if (new Set(input.groupBy).size !== input.groupBy.length) {
    errors.push({ path: `${prefix}groupBy`, message: 'names a grouping twice' });
  }
  input.groupBy.slice(0, MAX_GROUPS).forEach((key, i) => {
    const resolved = resolveDimension(subject, key, c);
    if (typeof resolved === 'string') errors.push({ path: `${prefix}groupBy.${i}`, message: `${key} ${resolved}` });
    else dims.push(resolved);
  });
  let timeField: Plan['timeField'] = null;
  const timeKey = input.timeField ?? subject.defaultTime;
  if (timeKey) {
    const def = subject.timeFields[timeKey];
    if (!def) {
      errors.push({
        path: `${prefix}timeField`,
        message: `${timeKey} is not a time of ${subject.label.toLowerCase()}: use one of ${Object.keys(subject.timeFields).join(', ') || '(none)'}`,
      });
    } else if (hidden(c, def.field)) {
      errors.push({ path: `${prefix}timeField`, message: `${timeKey} is a field your role may not see` });
    } else timeField = { key: timeKey, def };
  }
  return { subject, dims, measures, timeField };
}

/**
 * The first local moment of the value's bucket (the company's wall clock). Written with literals only, so that
 * the same text groups the rows and computes the bucket's bounds from the group.
 */
const bucket = (def: TimeField, grain: Grain, c: CompileContext) =>
  c.d.bucket(def.expr, def.date === true, grain, c.timeZone, c.fiscalStart);

/** The time window on the subject's time field. */
export function rangeCondition(p: Plan, c: CompileContext): Expression<SqlBool> | null {
  if (!p.timeField || !c.range) return null;
  const { def } = p.timeField;
  const { d } = c;
  if (def.date) return sql<SqlBool>`${def.expr} BETWEEN ${d.date(c.range.from)} AND ${d.date(c.range.to)}`;
  return sql<SqlBool>`${def.expr} >= ${d.timestamp(c.range.fromAt)} AND ${def.expr} < ${d.timestamp(c.range.toAt)}`;
}

function joinsOf(items: { joins?: Join[] | undefined }[], c: CompileContext) {
  const seen = new Map<string, Join>();
  for (const item of items) for (const j of item.joins ?? []) seen.set(j.key, j);
  return sql.join(
    [...seen.values()].map((j) => j.sql(c)),
    sql` `,
  );
}

const where = (conditions: Expression<SqlBool>[]) =>
  conditions.length > 0 ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``;

/**
 * The grouped query: columns d<i> (value), l<i> (label), f<i>/t<i> (a time bucket's first and last day) and
 * b<i>/e<i> (the instants it begins and ends), m<j> (figures), and `rows_total`, the number of groups.
 */
export function compileRows(
  p: Plan,
  c: CompileContext,
  conditions: Expression<SqlBool>[],
  page: { limit: number; offset: number },
): RawBuilder<Record<string, unknown>> {
  const values: RawBuilder<unknown>[] = [];
  const inner: RawBuilder<unknown>[] = [];
  const groups: RawBuilder<unknown>[] = [];
  const outer: RawBuilder<unknown>[] = [sql`g.*`];
  const order: RawBuilder<unknown>[] = [];
  p.dims.forEach((d, i) => {
    const value = sql.ref(`g.d${i}`);
    if (d.time) {
      const start = bucket(d.time.def, d.time.grain, c);
      const bounds = c.d.bucketBounds(start, d.time.grain, c.timeZone);
      groups.push(start);
      values.push(sql`${bounds.first} AS ${sql.ref(`d${i}`)}`);
      inner.push(sql`${bounds.last} AS ${sql.ref(`t${i}`)}`);
      inner.push(sql`${bounds.begins} AS ${sql.ref(`b${i}`)}`);
      inner.push(sql`${bounds.ends} AS ${sql.ref(`e${i}`)}`);
      order.push(sql`${value} ASC`);
      return;
    }
    // Grouped by position: the expression may carry bound values, which would not match a second copy of it.
    const expr = d.dim.expr(c);
    groups.push(sql.lit(i + 1));
    values.push(sql`${expr} AS ${sql.ref(`d${i}`)}`);
    if (d.dim.labelExpr && d.dim.labelInner) inner.push(sql`${d.dim.labelExpr(expr)} AS ${sql.ref(`l${i}`)}`);
    else if (d.dim.labelExpr && c.d.engine === 'postgres') {
      outer.push(sql`${d.dim.labelExpr(value)} AS ${sql.ref(`l${i}`)}`);
    } else if (d.dim.labelExpr && !d.dim.names) throw new NoClickHouseForm(`The labels of ${d.key}`);
    if (d.dim.order) order.push(sql`${d.dim.order(value, c)} ASC NULLS LAST`);
  });
  p.measures.forEach((m, j) => {
    inner.push(sql`${m.measure.expr(c)} AS ${sql.ref(`m${j}`)}`);
  });
  // Without a time or pipeline order, the biggest figure first.
  if (order.length === 0 && p.measures.length > 0) order.push(sql`g.m0 DESC NULLS LAST`);
  p.dims.forEach((_d, i) => {
    order.push(sql`${sql.ref(`g.d${i}`)} ASC NULLS LAST`);
  });
  const joins = joinsOf([...p.dims.map((d) => d.dim), ...p.measures.map((m) => m.measure)], c);
  const grouped = sql`SELECT ${sql.join([...values, ...inner])} FROM ${p.subject.from(c)} ${joins} ${where(conditions)}
    ${groups.length > 0 ? sql`GROUP BY ${sql.join(groups)}` : sql``}`;
  return sql<Record<string, unknown>>`SELECT ${sql.join(outer)}, count(*) OVER () AS rows_total
    FROM (${grouped}) g ORDER BY ${order.length > 0 ? sql.join(order) : sql`1`}
    LIMIT ${c.d.int(page.limit)} OFFSET ${c.d.int(page.offset)}`;
}

/** The grand totals: the same figures over every row of the window, without the groupings' joins. */
export function compileTotals(
  p: Plan,
  c: CompileContext,
  conditions: Expression<SqlBool>[],
): RawBuilder<Record<string, unknown>> {
  const joins = joinsOf(
    p.measures.map((m) => m.measure),
    c,
  );
  const figures = p.measures.map((m, j) => sql`${m.measure.expr(c)} AS ${sql.ref(`m${j}`)}`);
  return sql<
    Record<string, unknown>
  >`SELECT ${sql.join(figures)} FROM ${p.subject.from(c)} ${joins} ${where(conditions)}`;
}

/**
 * A pre-built or saved report as the caller's role may see it: its measures on hidden fields left out, or null
 * when nothing is left or it groups by a field the role may not see (the report is then not offered).
 */
export function fitToAccess(
  subject: Subject,
  definition: { measures: string[]; groupBy?: string[] | undefined },
  access: CompileContext['access'],
  customFields: CompileContext['customFields'] = [],
): string[] | null {
  const c = { access, customFields } as CompileContext;
  const measures = definition.measures.filter((m) => !hidden(c, subject.measures[m]?.field));
  if (measures.length === 0) return null;
  for (const key of definition.groupBy ?? []) {
    const dim = subject.dimensions[key];
    if (dim && hidden(c, dim.field)) return null;
    const time = subject.timeFields[key.slice(0, key.lastIndexOf('.'))];
    if (time && hidden(c, time.field)) return null;
  }
  return measures;
}
