/**
 * The two SQL dialects the semantic layer compiles to. Subjects, measures and dimensions are written once, with
 * these building blocks wherever PostgreSQL and ClickHouse spell a thing differently (conditional aggregates,
 * percentiles, epoch arithmetic, arrays, time buckets in the company's zone, bound values, the tenant's tables).
 *
 * PostgreSQL binds values as `$n` parameters and leaves the tenant to row-level security. ClickHouse binds them as
 * typed query parameters (`{p3:UUID}`) and reads every table through `(SELECT * FROM db.t FINAL WHERE company_id =
 * {company:UUID})`: the tenant is a bound parameter on every table read, and FINAL keeps only the last version of
 * each row (replaced and deleted rows never count).
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Grain } from './semantic.ts';

export type Engine = 'postgres' | 'clickhouse';
type Sql = RawBuilder<unknown>;
type Bool = RawBuilder<SqlBool>;

/** The type a bound value has in the query. */
export type ValueType = 'String' | 'UUID' | 'Float64' | 'Int64' | 'Date' | 'DateTime' | 'Decimal';

/** The tables ClickHouse holds (fed from PostgreSQL through the outbox). */
export type FactTable =
  | 'leads'
  | 'lead_stage_history'
  | 'activities'
  | 'lead_notes'
  | 'email_messages'
  | 'whatsapp_messages'
  | 'lead_scores'
  | 'lead_risks';

/** A part of the layer that ClickHouse cannot answer: the report runs on PostgreSQL instead. */
export class NoClickHouseForm extends Error {
  constructor(what: string) {
    super(`${what} has no ClickHouse form`);
    this.name = 'NoClickHouseForm';
  }
}

/** One of the first moments a lead was worked, for `firstOf`. */
export interface LeadEvent {
  table: FactTable;
  alias: string;
  column: string;
  where?: Sql;
}

export interface Dialect {
  readonly engine: Engine;
  /** A bound value. */
  value(v: string | number, type: ValueType): Sql;
  /** A whole number the layer itself computed (a page size): a literal on ClickHouse, bound on PostgreSQL. */
  int(n: number): Sql;
  /** `expr IN (values)`; false when there are none. */
  oneOf(expr: Sql, values: readonly string[], type?: 'String' | 'UUID'): Bool;
  /** A tenant table read as `alias`. */
  table(name: FactTable, alias: string): Sql;
  /** The lead `l` has a row in `name` (as `alias`) matching `where`. */
  leadHas(name: FactTable, alias: string, where: Sql): Bool;
  count(where?: Sql): Sql;
  countDistinct(x: Sql, where?: Sql): Sql;
  /** A sum, 0 over no rows. */
  sum(x: Sql, where?: Sql): Sql;
  avg(x: Sql, where?: Sql): Sql;
  /** a / b as a float; null when b is 0. */
  ratio(a: Sql, b: Sql): Sql;
  /** The continuous percentile (linear interpolation between the closest ranks), nulls ignored. */
  percentile(p: number, x: Sql, where?: Sql): Sql;
  /** Seconds from one instant to another. */
  seconds(from: Sql, to: Sql): Sql;
  /** The larger of two values, a null one ignored (PostgreSQL's greatest). */
  greatest(a: Sql, b: Sql): Sql;
  text(x: Sql): Sql;
  lower(x: Sql): Sql;
  /** An instant given as an ISO string. */
  timestamp(iso: string): Sql;
  /** A calendar date, YYYY-MM-DD. */
  date(ymd: string): Sql;
  arrayHas(array: Sql, value: string, type: 'String' | 'UUID'): Bool;
  arrayHasAny(array: Sql, values: readonly string[], type: 'String' | 'UUID'): Bool;
  arrayHasAll(array: Sql, values: readonly string[], type: 'String' | 'UUID'): Bool;
  arrayEmpty(array: Sql): Bool;
  /** The 1-based place of a value in a list, null when absent. */
  position(values: readonly string[], value: Sql): Sql;
  /** One row per element of an array column: the join to add (if any) and the element. */
  unnest(array: Sql, alias: string): { join: Sql; value: Sql };
  /** A value of a custom field, as text. */
  customField(key: string): Sql;
  /** The first local moment of a value's time bucket (the company's wall clock); literals only. */
  bucket(expr: Sql, isDate: boolean, grain: Grain, zone: string, fiscalStart: number): Sql;
  /** Of a bucket start: its first day, its last day, and the instants it begins and ends. */
  bucketBounds(start: Sql, grain: Grain, zone: string): { first: Sql; last: Sql; begins: Sql; ends: Sql };
  /** A LEFT JOIN giving `alias.at`: the earliest of several moments of the lead `l` (null when none). */
  firstOf(alias: string, events: LeadEvent[]): Sql;
  /** A JOIN giving `alias.to_stage`: the stage the lead `l` was in just before `before`. */
  stageBefore(alias: string, before: Sql): Sql;
  /** One row per head of a user (from a map resolved beforehand; PostgreSQL joins the hierarchy instead). */
  headsOf(user: Sql, heads: Map<string, string[]>): Sql;
}

const UNNEST_ALIAS = /^[a-z_][a-z0-9_]*$/;

export const postgres: Dialect = {
  engine: 'postgres',
  value: (v, type) =>
    type === 'Decimal'
      ? sql`${v}::numeric`
      : type === 'DateTime'
        ? sql`${v}::timestamptz`
        : type === 'Date'
          ? sql`${v}::date`
          : sql`${v}`,
  int: (n) => sql`${n}`,
  oneOf: (expr, values) => (values.length > 0 ? sql<SqlBool>`(${expr} IN (${sql.join(values)}))` : sql<SqlBool>`false`),
  table: (name, alias) => sql`${sql.table(name)} ${sql.ref(alias)}`,
  leadHas: (name, alias, where) => {
    const a = (column: string) => sql.ref(`${alias}.${column}`);
    return sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.table(name)} ${sql.ref(alias)}
      WHERE ${a('company_id')} = l.company_id AND ${a('lead_id')} = l.id AND ${where})`;
  },
  count: (where) => (where ? sql`count(*) FILTER (WHERE ${where})` : sql`count(*)`),
  countDistinct: (x, where) => (where ? sql`count(DISTINCT ${x}) FILTER (WHERE ${where})` : sql`count(DISTINCT ${x})`),
  sum: (x, where) => (where ? sql`coalesce(sum(${x}) FILTER (WHERE ${where}), 0)` : sql`coalesce(sum(${x}), 0)`),
  avg: (x, where) => (where ? sql`avg(${x}) FILTER (WHERE ${where})` : sql`avg(${x})`),
  ratio: (a, b) => sql`(${a})::float8 / nullif(${b}, 0)`,
  percentile: (p, x, where) =>
    sql`percentile_cont(${sql.lit(p)}) WITHIN GROUP (ORDER BY ${x})${where ? sql` FILTER (WHERE ${where})` : sql``}`,
  seconds: (from, to) => sql`extract(epoch FROM (${to} - ${from}))`,
  greatest: (a, b) => sql`greatest(${a}, ${b})`,
  text: (x) => sql`${x}::text`,
  lower: (x) => sql`lower(${x})`,
  timestamp: (iso) => sql`${iso}::timestamptz`,
  date: (ymd) => sql`${ymd}::date`,
  arrayHas: (array, value, type) => sql<SqlBool>`${array} @> ARRAY[${value}]::${sql.raw(pgArray(type))}`,
  arrayHasAny: (array, values, type) => sql<SqlBool>`${array} && ARRAY[${sql.join(values)}]::${sql.raw(pgArray(type))}`,
  arrayHasAll: (array, values, type) => sql<SqlBool>`${array} @> ARRAY[${sql.join(values)}]::${sql.raw(pgArray(type))}`,
  arrayEmpty: (array) => sql<SqlBool>`cardinality(${array}) = 0`,
  position: (values, value) => sql`array_position(ARRAY[${sql.join(values)}]::text[], ${value})`,
  unnest: (array, alias) => {
    if (!UNNEST_ALIAS.test(alias)) throw new Error(`bad alias ${alias}`);
    return {
      join: sql`CROSS JOIN LATERAL unnest(${array}) AS ${sql.ref(alias)}(v)`,
      value: sql.ref(`${alias}.v`),
    };
  },
  customField: (key) => sql`l.custom_fields ->> ${key}`,
  bucket: (expr, isDate, grain, zone, fiscalStart) => {
    const local = isDate ? sql`(${expr})::timestamp` : sql`(${expr} AT TIME ZONE ${sql.lit(zone)})`;
    if (grain === 'fiscalYear') {
      // The fiscal year holding the moment starts in the company's first month, this calendar year or the last.
      const first = sql.lit(fiscalStart);
      return sql`make_timestamp((extract(year FROM ${local})::int
        - CASE WHEN extract(month FROM ${local}) < ${first} THEN 1 ELSE 0 END), ${first}, 1, 0, 0, 0)`;
    }
    return sql`date_trunc(${sql.lit(grain)}, ${local})`;
  },
  bucketBounds: (start, grain, zone) => {
    const step = sql`interval ${sql.lit(pgInterval[grain])}`;
    const z = sql.lit(zone);
    return {
      first: sql`to_char(${start}, 'YYYY-MM-DD')`,
      last: sql`to_char(${start} + ${step} - interval '1 day', 'YYYY-MM-DD')`,
      begins: sql`(${start} AT TIME ZONE ${z})`,
      ends: sql`((${start} + ${step}) AT TIME ZONE ${z})`,
    };
  },
  firstOf: (alias, events) => {
    const parts = events.map((e) => {
      const a = (column: string) => sql.ref(`${e.alias}.${column}`);
      return sql`(SELECT min(${a(e.column)}) FROM ${sql.table(e.table)} ${sql.ref(e.alias)}
        WHERE ${a('company_id')} = l.company_id AND ${a('lead_id')} = l.id${e.where ? sql` AND ${e.where}` : sql``})`;
    });
    return sql`LEFT JOIN LATERAL (SELECT least(${sql.join(parts)}) AS at) ${sql.ref(alias)} ON true`;
  },
  stageBefore: (alias, before) => sql`JOIN LATERAL (SELECT h.to_stage FROM lead_stage_history h
      WHERE h.company_id = l.company_id AND h.lead_id = l.id AND h.at < ${before}
      ORDER BY h.at DESC, h.id DESC LIMIT 1) ${sql.ref(alias)} ON true`,
  headsOf: () => {
    throw new Error('PostgreSQL joins the hierarchy itself');
  },
};

const pgArray = (type: 'String' | 'UUID') => (type === 'UUID' ? 'uuid[]' : 'text[]');

const pgInterval: Record<Grain, string> = {
  day: '1 day',
  week: '7 days',
  month: '1 month',
  quarter: '3 months',
  year: '1 year',
  fiscalYear: '1 year',
};

const chType: Record<Exclude<ValueType, 'Decimal'>, string> = {
  String: 'String',
  UUID: 'UUID',
  Float64: 'Float64',
  Int64: 'Int64',
  Date: 'Date32',
  DateTime: "DateTime64(6, 'UTC')",
};

/** The range ClickHouse's Date32 and DateTime64 hold; a window reaching past it is cut to it. */
const MIN_DAY = '1900-01-01';
const MAX_DAY = '2299-12-31';
const clampDay = (ymd: string) => (ymd < MIN_DAY ? MIN_DAY : ymd > MAX_DAY ? MAX_DAY : ymd);
/** An ISO instant as DateTime64(6, 'UTC') text. */
function chInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${iso}`);
  const min = Date.parse(`${MIN_DAY}T00:00:00Z`);
  const max = Date.parse(`${MAX_DAY}T23:59:59.999Z`);
  const text = new Date(Math.min(Math.max(ms, min), max)).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 23)}000`;
}
/** A decimal number as text ClickHouse's toDecimal128 reads (no exponent). */
const decimalText = (n: number) => {
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(18) : s;
};

const chUnit: Record<Grain, [string, number]> = {
  day: ['addDays', 1],
  week: ['addDays', 7],
  month: ['addMonths', 1],
  quarter: ['addMonths', 3],
  year: ['addYears', 1],
  fiscalYear: ['addYears', 1],
};

/** A ClickHouse dialect and the values it bound, for one company in one database. */
export interface ClickHouseDialect extends Dialect {
  readonly params: Record<string, unknown>;
  readonly database: string;
}

export function clickhouse(database: string, companyId: string): ClickHouseDialect {
  if (!UNNEST_ALIAS.test(database)) throw new Error(`bad ClickHouse database name ${database}`);
  const params: Record<string, unknown> = { company: companyId };
  let n = 0;
  const bind = (value: unknown, type: string) => {
    const name = `p${n++}`;
    params[name] = value;
    return sql.raw(`{${name}:${type}}`);
  };
  const value = (v: string | number, type: ValueType): Sql => {
    if (type === 'Decimal') return sql`toDecimal128(${bind(decimalText(Number(v)), 'String')}, 18)`;
    if (type === 'DateTime') return bind(chInstant(String(v)), chType.DateTime);
    if (type === 'Date') return bind(clampDay(String(v)), chType.Date);
    return bind(v, chType[type]);
  };
  const list = (values: readonly string[], type: 'String' | 'UUID') => bind([...values], `Array(${type})`);
  const table = (name: FactTable, alias: string) =>
    sql`(SELECT * FROM ${sql.table(`${database}.${name}`)} FINAL WHERE company_id = {company:UUID}) AS ${sql.ref(alias)}`;
  const d: ClickHouseDialect = {
    engine: 'clickhouse',
    params,
    database,
    value,
    int: (i) => sql.lit(Math.trunc(i)),
    oneOf: (expr, values, type = 'String') =>
      values.length > 0 ? sql<SqlBool>`(${expr} IN ${list(values, type)})` : sql<SqlBool>`false`,
    table,
    leadHas: (name, alias, where) =>
      sql<SqlBool>`l.id IN (SELECT ${sql.ref(`${alias}.lead_id`)} FROM ${table(name, alias)} WHERE ${where})`,
    count: (where) => (where ? sql`countIf(${where})` : sql`count(*)`),
    countDistinct: (x, where) => (where ? sql`uniqExactIf(${x}, ${where})` : sql`uniqExact(${x})`),
    sum: (x, where) => (where ? sql`coalesce(sumIf(${x}, ${where}), 0)` : sql`coalesce(sum(${x}), 0)`),
    avg: (x, where) => (where ? sql`avgOrNullIf(${x}, ${where})` : sql`avgOrNull(${x})`),
    ratio: (a, b) => sql`toFloat64(${a}) / nullIf(${b}, 0)`,
    // quantileExactInclusive interpolates between the closest ranks as percentile_cont does (R7).
    percentile: (p, x, where) =>
      where
        ? sql`quantileExactInclusiveOrNullIf(${sql.lit(p)})(toFloat64(${x}), ${where})`
        : sql`quantileExactInclusiveOrNull(${sql.lit(p)})(toFloat64(${x}))`,
    seconds: (from, to) => sql`((toUnixTimestamp64Micro(${to}) - toUnixTimestamp64Micro(${from})) / 1000000)`,
    greatest: (a, b) => sql`greatest(coalesce(${a}, ${b}), coalesce(${b}, ${a}))`,
    text: (x) => sql`toString(${x})`,
    lower: (x) => sql`lowerUTF8(${x})`,
    timestamp: (iso) => value(iso, 'DateTime'),
    date: (ymd) => value(ymd, 'Date'),
    arrayHas: (array, v, type) => sql<SqlBool>`has(${array}, ${bind(v, type)})`,
    arrayHasAny: (array, values, type) => sql<SqlBool>`hasAny(${array}, ${list(values, type)})`,
    arrayHasAll: (array, values, type) => sql<SqlBool>`hasAll(${array}, ${list(values, type)})`,
    arrayEmpty: (array) => sql<SqlBool>`empty(${array})`,
    position: (values, v) => sql`nullIf(indexOf(${list(values, 'String')}, ${v}), 0)`,
    unnest: (array) => ({ join: sql``, value: sql`arrayJoin(${array})` }),
    customField: () => {
      throw new NoClickHouseForm('A custom field');
    },
    bucket: (expr, isDate, grain, zone, fiscalStart) => {
      const local = isDate ? expr : sql`toTimeZone(${expr}, ${sql.lit(zone)})`;
      switch (grain) {
        case 'day':
          return sql`toDate32(${local})`;
        case 'week':
          return sql`toStartOfWeek(${local}, 1)`;
        case 'month':
          return sql`toStartOfMonth(${local})`;
        case 'quarter':
          return sql`toStartOfQuarter(${local})`;
        case 'year':
          return sql`toStartOfYear(${local})`;
        case 'fiscalYear': {
          const first = sql.lit(fiscalStart);
          return sql`makeDate32(toYear(${local}) - if(toMonth(${local}) < ${first}, 1, 0), ${first}, 1)`;
        }
      }
    },
    bucketBounds: (start, grain, zone) => {
      const [add, count] = chUnit[grain];
      const next = sql`${sql.raw(add)}(${start}, ${sql.lit(count)})`;
      const z = sql.lit(zone);
      return {
        first: sql`toString(${start})`,
        last: sql`toString(subtractDays(${next}, 1))`,
        begins: sql`toUnixTimestamp64Milli(toDateTime64(${start}, 3, ${z}))`,
        ends: sql`toUnixTimestamp64Milli(toDateTime64(${next}, 3, ${z}))`,
      };
    },
    firstOf: (alias, events) => {
      const parts = events.map(
        (e) => sql`SELECT ${sql.ref(`${e.alias}.lead_id`)} AS lead_id, ${sql.ref(`${e.alias}.${e.column}`)} AS at
          FROM ${table(e.table, e.alias)}${e.where ? sql` WHERE ${e.where}` : sql``}`,
      );
      return sql`LEFT JOIN (SELECT lead_id, min(at) AS at FROM (${sql.join(parts, sql` UNION ALL `)})
        GROUP BY lead_id) AS ${sql.ref(alias)} ON ${sql.ref(`${alias}.lead_id`)} = l.id`;
    },
    stageBefore: (alias, before) => sql`JOIN (SELECT h.lead_id AS lead_id,
        argMax(h.to_stage, tuple(h.at, toString(h.id))) AS to_stage
      FROM ${table('lead_stage_history', 'h')} WHERE h.at < ${before} GROUP BY h.lead_id) AS ${sql.ref(alias)}
      ON ${sql.ref(`${alias}.lead_id`)} = l.id`,
    headsOf: (user, heads) => {
      const members = [...heads.keys()];
      const lists = members.map((m) => heads.get(m) ?? []);
      // No heads (no owner, or none above it): an empty array, so the lead is in no team's row.
      return sql`arrayJoin(arrayElement(${bind(lists, 'Array(Array(String))')},
        indexOf(${bind(members, 'Array(String)')}, toString(${user}))))`;
    },
  };
  return d;
}
