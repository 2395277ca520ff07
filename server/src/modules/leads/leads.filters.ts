import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { AppError, type FieldError } from '../../http/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { accessFieldOf, fieldCondition, fieldRef, type LeadFieldDef, leadFields } from './lead-catalog.ts';
import { customAccess, type FieldAccess } from './lead-fields.ts';
import type { CustomFieldDef } from './lead-input.ts';
import { leadSources } from './leads.schemas.ts';

/** The list's query parameters as received (after the schema's checks and coercion). */
export type LeadParams = Record<string, unknown>;

type Fail = (path: string, message: string) => null;

export interface FilterContext {
  access: FieldAccess;
  stages: string[];
  customDefs: CustomFieldDef[];
}

/** The list filter parameters of the catalog's fields, with the field each reads. */
const filterFields = new Map<string, LeadFieldDef>(
  leadFields.flatMap((f): [string, LeadFieldDef][] => {
    if (!f.filter) return [];
    if (f.filter.kind === 'range')
      return [
        [`${f.key}.min`, f],
        [`${f.key}.max`, f],
      ];
    const params: [string, LeadFieldDef][] = [[f.filter.param ?? f.key, f]];
    if (f.display === 'tags') params.push([`${f.key}Match`, f]);
    return params;
  }),
);

const NOT_FILTERS = new Set(['q', 'sort', 'limit', 'cursor']);
/** Filters on the lead's stage history: the leads that entered a stage (from one, within a time). Read together. */
const HISTORY_FILTERS = new Set(['reached', 'reachedFrom', 'reachedAt.min', 'reachedAt.max']);
const CUSTOM = /^cf\.([a-z][a-z0-9_]{0,39})(?:\.(min|max))?$/;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/i;

export function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

/** Which of the company's settings the filters need, so the list loads only those. */
export function filterNeeds(params: LeadParams): { stages: boolean; customDefs: boolean } {
  const keys = Object.keys(params).filter((k) => params[k] !== undefined);
  return {
    stages: keys.includes('stage') || keys.includes('reached') || keys.includes('reachedFrom'),
    customDefs: keys.some((k) => k.startsWith('cf.')),
  };
}

const csv = (value: unknown) =>
  String(value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

const texts = (value: unknown) =>
  (Array.isArray(value) ? value : [value]).map((v) => String(v ?? '').trim()).filter(Boolean);

const jsonb = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/**
 * Every filter of the list as SQL conditions on the alias `l`. All problems are reported together, each naming
 * its parameter; nothing runs until every filter is valid.
 */
export function buildFilters(params: LeadParams, ctx: FilterContext, pathPrefix = ''): Expression<SqlBool>[] {
  const errors: FieldError[] = [];
  const conditions: Expression<SqlBool>[] = [];
  const fail: Fail = (path, message) => {
    errors.push({ path: `${pathPrefix}${path}`, message });
    return null;
  };

  for (const [param, value] of Object.entries(params)) {
    if (value === undefined || NOT_FILTERS.has(param) || HISTORY_FILTERS.has(param)) continue;
    if (param === 'team') {
      const condition = teamFilter(value, ctx, fail);
      if (condition) conditions.push(condition);
      continue;
    }
    const custom = CUSTOM.exec(param);
    if (custom) {
      const condition = customFilter(param, custom[1] as string, custom[2], value, ctx, fail);
      if (condition) conditions.push(condition);
      continue;
    }
    const def = filterFields.get(param);
    if (!def) {
      fail(param, 'is not a known filter');
      continue;
    }
    // A role that may not see a field may not filter by it (the matches would reveal it).
    const field = accessFieldOf(def.key);
    if (field && ctx.access.fields[field] === 'hidden') {
      fail(param, 'is a field your role may not see');
      continue;
    }
    const condition = builtInFilter(param, def, value, params, ctx, fail);
    if (condition) conditions.push(fieldCondition(def, condition));
  }
  const history = historyFilter(params, ctx, fail);
  if (history) conditions.push(history);
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return conditions;
}

/** `team=<user id>`: leads owned by that person or anyone reporting to it, however deep. */
function teamFilter(value: unknown, ctx: FilterContext, fail: Fail): Expression<SqlBool> | null {
  const id = String(value ?? '').trim();
  if (!isUuid(id)) return fail('team', 'must be a user id');
  if (ctx.access.fields.ownerId === 'hidden') return fail('team', 'is a field your role may not see');
  return sql<SqlBool>`l.owner_id IN (WITH RECURSIVE tree AS (
      SELECT u.id FROM users u WHERE u.id = ${id}
      UNION SELECT c.id FROM users c JOIN tree ON c.manager_id = tree.id
    ) SELECT id FROM tree)`;
}

/**
 * `reached` (stage keys), `reachedFrom` (the stage it left) and `reachedAt.min|max`: leads with a move in their
 * stage history matching all of them at once (their creation is a move from no stage). Reports drill into it.
 */
function historyFilter(params: LeadParams, ctx: FilterContext, fail: Fail): Expression<SqlBool> | null {
  const present = [...HISTORY_FILTERS].filter((k) => params[k] !== undefined);
  if (present.length === 0) return null;
  const parts: RawBuilder<SqlBool>[] = [];
  for (const param of ['reached', 'reachedFrom'] as const) {
    if (params[param] === undefined) continue;
    const stages = csv(params[param]);
    const unknown = stages.filter((s) => !ctx.stages.includes(s));
    if (stages.length === 0 || unknown.length > 0) {
      fail(param, `${unknown.join(', ') || '(none)'} is not a stage of this pipeline`);
      continue;
    }
    parts.push(sql<SqlBool>`${sql.ref(param === 'reached' ? 'h.to_stage' : 'h.from_stage')} IN (${sql.join(stages)})`);
  }
  for (const bound of ['min', 'max'] as const) {
    const param = `reachedAt.${bound}`;
    if (params[param] === undefined) continue;
    const text = String(params[param]).trim();
    const zone = sql`(SELECT c.timezone FROM companies c WHERE c.id = app_current_company())`;
    if (isDate(text)) {
      parts.push(
        bound === 'min'
          ? sql<SqlBool>`h.at >= (${text}::date)::timestamp AT TIME ZONE ${zone}`
          : sql<SqlBool>`h.at < (${text}::date + 1)::timestamp AT TIME ZONE ${zone}`,
      );
    } else if (DATE_TIME.test(text) && !Number.isNaN(Date.parse(text))) {
      parts.push(
        bound === 'min' ? sql<SqlBool>`h.at >= ${text}::timestamptz` : sql<SqlBool>`h.at <= ${text}::timestamptz`,
      );
    } else fail(param, 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time with its offset');
  }
  if (parts.length !== present.length) return null;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM lead_stage_history h
    WHERE h.company_id = l.company_id AND h.lead_id = l.id AND ${sql.join(parts, sql` AND `)})`;
}

function builtInFilter(
  param: string,
  def: LeadFieldDef,
  value: unknown,
  params: LeadParams,
  ctx: FilterContext,
  fail: Fail,
): RawBuilder<SqlBool> | null {
  const column = sql.ref(fieldRef(def));
  if (def.filter?.kind === 'range') return rangeFilter(param, def, param.endsWith('.min'), value, fail);
  if (def.type === 'uuid' || def.type === 'uuid[]') return idFilter(param, def, value, fail);
  if (def.display === 'stage') {
    const stages = csv(value);
    const unknown = stages.filter((s) => !ctx.stages.includes(s));
    if (unknown.length > 0) return fail(param, `${unknown.join(', ')} is not a stage of this pipeline`);
    return stages.length > 0 ? sql<SqlBool>`${column} IN (${sql.join(stages)})` : null;
  }
  if (def.display === 'source') {
    const sources = csv(value);
    const unknown = sources.filter((s) => !(leadSources as readonly string[]).includes(s));
    if (unknown.length > 0) return fail(param, `${unknown.join(', ')} is not a lead source`);
    return sources.length > 0 ? sql<SqlBool>`${column} IN (${sql.join(sources)})` : null;
  }
  if (def.display === 'currency') {
    const codes = csv(value).map((c) => c.toUpperCase());
    if (codes.some((c) => !/^[A-Z]{3}$/.test(c))) return fail(param, 'must be 3-letter currency codes');
    return codes.length > 0 ? sql<SqlBool>`${column} IN (${sql.join(codes)})` : null;
  }
  if (def.options) {
    const keys = csv(value);
    const unknown = keys.filter((k) => !def.options?.includes(k));
    if (unknown.length > 0) return fail(param, `${unknown.join(', ')} is not one of ${def.options.join(', ')}`);
    return keys.length > 0 ? sql<SqlBool>`${column} IN (${sql.join(keys)})` : null;
  }
  if (def.display === 'tags') {
    if (param !== def.key) return null; // tagsMatch only qualifies the tags filter
    const tags = csv(value);
    if (tags.length === 0) return null;
    const op = sql.raw(params[`${def.key}Match`] === 'all' ? '@>' : '&&');
    return sql<SqlBool>`${column} ${op} ARRAY[${sql.join(tags)}]::text[]`;
  }
  const values = texts(value).map((v) => v.toLowerCase());
  return values.length > 0 ? sql<SqlBool>`lower(${column}) IN (${sql.join(values)})` : null;
}

function idFilter(param: string, def: LeadFieldDef, value: unknown, fail: Fail) {
  const values = csv(value);
  // `none` asks for leads without one; who created a lead is always known.
  const noneAllowed = def.access !== 'system';
  const none = values.includes('none') && noneAllowed;
  const ids = values.filter((v) => v !== 'none' || !noneAllowed);
  const bad = ids.filter((v) => !isUuid(v));
  if (bad.length > 0) return fail(param, `${bad.join(', ')} is not an id`);
  const alternatives: RawBuilder<SqlBool>[] = [];
  const column = sql.ref(fieldRef(def));
  if (def.type === 'uuid[]') {
    if (ids.length > 0) alternatives.push(sql<SqlBool>`${column} && ARRAY[${sql.join(ids)}]::uuid[]`);
    if (none) alternatives.push(sql<SqlBool>`cardinality(${column}) = 0`);
  } else {
    if (ids.length > 0) alternatives.push(sql<SqlBool>`${column} IN (${sql.join(ids)})`);
    if (none) alternatives.push(sql<SqlBool>`${column} IS NULL`);
  }
  if (alternatives.length === 0) return null;
  return sql<SqlBool>`(${sql.join(alternatives, sql` OR `)})`;
}

function rangeFilter(param: string, def: LeadFieldDef, isMin: boolean, value: unknown, fail: Fail) {
  const op = sql.raw(isMin ? '>=' : '<=');
  const column = sql.ref(fieldRef(def));
  if (def.type === 'numeric' || def.type === 'integer') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail(param, 'must be a number');
    return sql<SqlBool>`${column} ${op} ${value}`;
  }
  const text = String(value).trim();
  if (def.type === 'date') {
    if (!isDate(text)) return fail(param, 'must be a date (YYYY-MM-DD)');
    return sql<SqlBool>`${column} ${op} ${text}::date`;
  }
  if (isDate(text)) {
    // A calendar day in the company's time zone: the max bound takes in the whole of that day.
    const zone = sql`(SELECT c.timezone FROM companies c WHERE c.id = app_current_company())`;
    return isMin
      ? sql<SqlBool>`${column} >= (${text}::date)::timestamp AT TIME ZONE ${zone}`
      : sql<SqlBool>`${column} < (${text}::date + 1)::timestamp AT TIME ZONE ${zone}`;
  }
  if (!DATE_TIME.test(text) || Number.isNaN(Date.parse(text))) {
    return fail(param, 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time with its offset');
  }
  return sql<SqlBool>`${column} ${op} ${text}::timestamptz`;
}

function customFilter(
  param: string,
  key: string,
  bound: string | undefined,
  value: unknown,
  ctx: FilterContext,
  fail: Fail,
): Expression<SqlBool> | null {
  const def = ctx.customDefs.find((d) => d.key === key);
  if (!def) return fail(param, `${key} is not a custom field`);
  if (customAccess(ctx.access, key) === 'hidden') return fail(param, 'is a field your role may not see');
  const raw = sql`l.custom_fields -> ${key}`;
  if (bound) {
    const op = sql.raw(bound === 'min' ? '>=' : '<=');
    const text = String(value).trim();
    if (def.type === 'number') {
      const n = Number(text);
      if (!text || !Number.isFinite(n)) return fail(param, 'must be a number');
      return sql<SqlBool>`(CASE WHEN jsonb_typeof(${raw}) = 'number' THEN (l.custom_fields ->> ${key})::numeric END) ${op} ${n}`;
    }
    if (def.type === 'date') {
      if (!isDate(text)) return fail(param, 'must be a date (YYYY-MM-DD)');
      return sql<SqlBool>`(CASE WHEN jsonb_typeof(${raw}) = 'string' THEN l.custom_fields ->> ${key} END) ${op} ${text}`;
    }
    return fail(param, 'only number and date fields take a range');
  }
  const values = texts(value);
  if (values.length === 0) return null;
  const matches: unknown[] = [];
  for (const v of values) {
    const parsed = customValue(def, v);
    if (parsed === undefined) return fail(param, customMessage(def, v));
    matches.push(parsed);
  }
  if (def.type === 'text') {
    const lowered = matches.map((m) => String(m).toLowerCase());
    return sql<SqlBool>`lower(l.custom_fields ->> ${key}) IN (${sql.join(lowered)})`;
  }
  // Containment is what the jsonb_path_ops index serves; a multi-select matches when it holds any of the values.
  const probes = matches.map((m) => jsonb({ [key]: def.type === 'multi_select' ? [m] : m }));
  return sql<SqlBool>`(${sql.join(
    probes.map((p) => sql`l.custom_fields @> ${p}`),
    sql` OR `,
  )})`;
}

/** A filter value as the field stores it; undefined when it is not one of its values. */
function customValue(def: CustomFieldDef, value: string): unknown {
  switch (def.type) {
    case 'number': {
      const n = Number(value);
      return value !== '' && Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : undefined;
    case 'date':
      return isDate(value) ? value : undefined;
    case 'user':
      return isUuid(value) ? value : undefined;
    case 'select':
    case 'multi_select':
      return def.options.find((o) => o.toLowerCase() === value.toLowerCase());
    default:
      return value;
  }
}

function customMessage(def: CustomFieldDef, value: string): string {
  switch (def.type) {
    case 'number':
      return `${value} is not a number`;
    case 'boolean':
      return 'must be true or false';
    case 'date':
      return `${value} is not a date (YYYY-MM-DD)`;
    case 'user':
      return `${value} is not a user id`;
    default:
      return `${value} is not an option of this field`;
  }
}
