/**
 * The lead list's filters (the catalog's filter kinds: keys, ids with `none`, text, ranges, tags any/all, team,
 * reached*) written for ClickHouse. They are first checked (and refused with a 400) by the lead list's own
 * `leadFilterConditions`, exactly as on PostgreSQL; this only writes what has passed. A filter without a
 * ClickHouse form (custom fields) sends the report to PostgreSQL.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { type LeadFieldDef, leadFields } from '../leads/index.ts';
import { subtreeIds } from './clickhouse-scope.ts';
import { NoClickHouseForm } from './dialect.ts';
import type { CompileContext } from './semantic.ts';

const NOT_FILTERS = new Set(['q', 'sort', 'limit', 'cursor']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const byParam = new Map<string, LeadFieldDef>(
  leadFields.flatMap((f): [string, LeadFieldDef][] => {
    // A field kept beside the lead (the score) is not in ClickHouse: its filter sends the report to PostgreSQL.
    if (!f.filter || f.from) return [];
    if (f.filter.kind === 'range') {
      return [
        [`${f.key}.min`, f],
        [`${f.key}.max`, f],
      ];
    }
    const params: [string, LeadFieldDef][] = [[f.filter.param ?? f.key, f]];
    if (f.display === 'tags') params.push([`${f.key}Match`, f]);
    return params;
  }),
);

const csv = (value: unknown) =>
  String(value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
const texts = (value: unknown) =>
  (Array.isArray(value) ? value : [value]).map((v) => String(v ?? '').trim()).filter(Boolean);

/** The filters as ClickHouse conditions on `l` (and `h` for the stage history). */
export async function clickhouseFilterConditions(
  trx: Tx,
  filters: Record<string, unknown>,
  c: CompileContext,
): Promise<Expression<SqlBool>[]> {
  const { d } = c;
  const out: Expression<SqlBool>[] = [];
  const history: RawBuilder<unknown>[] = [];
  for (const [param, value] of Object.entries(filters)) {
    if (value === undefined || NOT_FILTERS.has(param)) continue;
    if (param === 'team') {
      out.push(d.oneOf(sql`l.owner_id`, await subtreeIds(trx, String(value).trim()), 'UUID'));
      continue;
    }
    if (param === 'reached' || param === 'reachedFrom') {
      history.push(d.oneOf(sql.ref(param === 'reached' ? 'h.to_stage' : 'h.from_stage'), csv(value)));
      continue;
    }
    if (param === 'reachedAt.min' || param === 'reachedAt.max') {
      history.push(instantBound(sql`h.at`, param.endsWith('.min'), String(value).trim(), c));
      continue;
    }
    const def = byParam.get(param);
    if (!def) throw new NoClickHouseForm(`The filter ${param}`);
    const condition = builtIn(param, def, value, filters, c);
    if (condition) out.push(condition);
  }
  if (history.length > 0) {
    out.push(
      sql<SqlBool>`l.id IN (SELECT h.lead_id FROM ${d.table('lead_stage_history', 'h')}
        WHERE ${sql.join(history, sql` AND `)})`,
    );
  }
  return out;
}

function builtIn(
  param: string,
  def: LeadFieldDef,
  value: unknown,
  filters: Record<string, unknown>,
  c: CompileContext,
): Expression<SqlBool> | null {
  const { d } = c;
  const column = sql.ref(`l.${def.column}`);
  if (def.filter?.kind === 'range') {
    const isMin = param.endsWith('.min');
    const op = sql.raw(isMin ? '>=' : '<=');
    if (def.type === 'numeric') return sql<SqlBool>`${column} ${op} ${d.value(Number(value), 'Decimal')}`;
    if (def.type === 'date') return sql<SqlBool>`${column} ${op} ${d.date(String(value).trim())}`;
    return instantBound(column, isMin, String(value).trim(), c);
  }
  if (def.type === 'uuid' || def.type === 'uuid[]') {
    const values = csv(value);
    const noneAllowed = def.access !== 'system';
    const none = values.includes('none') && noneAllowed;
    const ids = values.filter((v) => v !== 'none' || !noneAllowed);
    const alternatives: RawBuilder<SqlBool>[] = [];
    if (def.type === 'uuid[]') {
      if (ids.length > 0) alternatives.push(d.arrayHasAny(column, ids, 'UUID'));
      if (none) alternatives.push(d.arrayEmpty(column));
    } else {
      if (ids.length > 0) alternatives.push(d.oneOf(column, ids, 'UUID'));
      if (none) alternatives.push(sql<SqlBool>`${column} IS NULL`);
    }
    return alternatives.length > 0 ? sql<SqlBool>`(${sql.join(alternatives, sql` OR `)})` : null;
  }
  if (def.display === 'stage' || def.display === 'source') {
    const keys = csv(value);
    return keys.length > 0 ? d.oneOf(column, keys) : null;
  }
  if (def.display === 'currency') {
    const codes = csv(value).map((v) => v.toUpperCase());
    return codes.length > 0 ? d.oneOf(column, codes) : null;
  }
  if (def.display === 'tags') {
    if (param !== def.key) return null; // tagsMatch only qualifies the tags filter
    const tags = csv(value);
    if (tags.length === 0) return null;
    return filters[`${def.key}Match`] === 'all'
      ? d.arrayHasAll(column, tags, 'String')
      : d.arrayHasAny(column, tags, 'String');
  }
  const values = texts(value).map((v) => v.toLowerCase());
  return values.length > 0 ? d.oneOf(d.lower(column), values) : null;
}

/** A bound on an instant: a date is a whole day in the company's zone; otherwise an ISO date-time. */
function instantBound(column: RawBuilder<unknown>, isMin: boolean, text: string, c: CompileContext) {
  const { d } = c;
  const zone = sql.lit(c.timeZone);
  if (DATE.test(text)) {
    const day = d.date(text);
    return isMin
      ? sql<SqlBool>`${column} >= toDateTime64(${day}, 6, ${zone})`
      : sql<SqlBool>`${column} < toDateTime64(addDays(${day}, 1), 6, ${zone})`;
  }
  return sql<SqlBool>`${column} ${sql.raw(isMin ? '>=' : '<=')} ${d.timestamp(text)}`;
}
