/**
 * The SQL of the forecasts: the company's calendar, the stage-and-age history counts as of an instant, the open
 * pipeline as of an instant, the run-rate samples of leads created after an instant, what was won, the targets and
 * the people, and the forecast kept month by month. Every instant is a parameter: the same queries make today's
 * forecast and the backtest's.
 */
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { leadIsLive } from '../leads/scope.ts';
import { subtreeOf } from '../users/index.ts';

export interface CompanyInfo {
  timezone: string;
  currency: string;
  locale: string;
  createdAt: Date;
  stages: { key: string; kind: 'open' | 'won' | 'lost'; probability: number | null }[];
}

export async function companyInfo(trx: Tx): Promise<CompanyInfo> {
  const { rows } = await sql<{
    timezone: string;
    currency: string;
    locale: string;
    created_at: Date;
    stages: { key: string; kind: 'open' | 'won' | 'lost'; probability: string | number | null }[] | null;
  }>`SELECT c.timezone, c.currency, c.locale, c.created_at,
      (SELECT json_agg(json_build_object('key', s.key, 'kind', s.kind, 'probability', s.probability)
        ORDER BY s.position, s.key) FROM pipeline_stages s) AS stages
    FROM companies c WHERE c.id = app_current_company()`.execute(trx);
  const row = rows[0];
  if (!row) throw new Error('The company of the request is missing');
  return {
    timezone: row.timezone,
    currency: row.currency,
    locale: row.locale,
    createdAt: new Date(row.created_at),
    stages: (row.stages ?? []).map((s) => ({
      key: s.key,
      kind: s.kind,
      probability: s.probability === null ? null : Number(s.probability),
    })),
  };
}

/**
 * Month starts in the company's zone: the start of the month holding `at` shifted by each offset (0 this month,
 * -1 the one before, 1 the next).
 */
export async function monthStarts(trx: Tx, zone: string, at: Date, offsets: number[]): Promise<Date[]> {
  if (offsets.length === 0) return [];
  const { rows } = await sql<{ k: number; start: Date }>`SELECT o.k,
      (date_trunc('month', ${at.toISOString()}::timestamptz AT TIME ZONE ${zone}) + o.k * interval '1 month')
        AT TIME ZONE ${zone} AS start
    FROM unnest(${offsets}::int[]) AS o(k)`.execute(trx);
  const byOffset = new Map(rows.map((r) => [Number(r.k), new Date(r.start)]));
  return offsets.map((k) => byOffset.get(k) as Date);
}

/** Each instant moved back by each number of calendar months in the zone: `[back][instant]`. */
export async function monthsBack(trx: Tx, zone: string, instants: Date[], backs: number[]): Promise<Date[][]> {
  const { rows } = await sql<{ b: number; i: number; at: Date }>`SELECT b.b, x.i,
      ((x.at AT TIME ZONE ${zone}) - b.b * interval '1 month') AT TIME ZONE ${zone} AS at
    FROM unnest(${instants.map((d) => d.toISOString())}::timestamptz[]) WITH ORDINALITY AS x(at, i)
    CROSS JOIN unnest(${backs}::int[]) AS b(b)`.execute(trx);
  const out = backs.map(() => instants.map(() => new Date(0)));
  const row = new Map(backs.map((b, i) => [b, i]));
  for (const r of rows) (out[row.get(Number(r.b)) as number] as Date[])[Number(r.i) - 1] = new Date(r.at);
  return out;
}

/** Midnight at the start of a calendar day (YYYY-MM-DD) in the zone. */
export async function dayStarts(trx: Tx, zone: string, days: string[]): Promise<Date[]> {
  const { rows } = await sql<{ i: number; at: Date }>`SELECT d.i, (d.day::date)::timestamp AT TIME ZONE ${zone} AS at
    FROM unnest(${days}::text[]) WITH ORDINALITY AS d(day, i)`.execute(trx);
  const byIndex = new Map(rows.map((r) => [Number(r.i), new Date(r.at)]));
  return days.map((_, i) => byIndex.get(i + 1) as Date);
}

const wonStages = sql`(SELECT s.key FROM pipeline_stages s WHERE s.kind = 'won')`;
const openStages = sql`(SELECT s.key FROM pipeline_stages s WHERE s.kind = 'open')`;

export interface AnchorCount {
  stage: string;
  bucket: number;
  window: number;
  n: number;
  wins: number;
}

/**
 * The history as it stood at `asOf`, as observations: every time a live lead was in an open stage at the lower
 * bound of an age bucket (days since it entered the stage), with whether it was won within each window (seconds
 * after that moment). An observation counts for a window only when the window had ended by `asOf`: nothing that
 * happened later is used. The whole company's leads: a rate, never a record.
 */
export async function anchorCounts(
  trx: Tx,
  asOf: Date,
  buckets: number[],
  windows: { from: number; to: number }[],
): Promise<AnchorCount[]> {
  const at = asOf.toISOString();
  const { rows } = await sql<AnchorCount>`WITH h AS (
      SELECT h.lead_id, h.to_stage AS stage, h.at,
        lead(h.at) OVER (PARTITION BY h.lead_id ORDER BY h.at, h.id) AS left_at
      FROM lead_stage_history h WHERE h.at <= ${at}::timestamptz
    ), episodes AS (
      SELECT h.stage, h.at, h.left_at,
        CASE WHEN l.stage IN ${wonStages} THEN l.stage_changed_at END AS won_at
      FROM h JOIN leads l ON l.id = h.lead_id
      WHERE ${leadIsLive} AND h.stage IN ${openStages}
    ), anchors AS (
      SELECT e.stage, b.i::int - 1 AS bucket, e.at + b.lo * interval '1 day' AS anchor, e.won_at
      FROM episodes e CROSS JOIN unnest(${buckets}::int[]) WITH ORDINALITY AS b(lo, i)
      WHERE e.at + b.lo * interval '1 day' < ${at}::timestamptz
        AND (e.left_at IS NULL OR e.left_at > e.at + b.lo * interval '1 day')
    )
    SELECT a.stage, a.bucket, w.i::int - 1 AS "window", count(*)::int AS n,
      (count(*) FILTER (WHERE a.won_at >= a.anchor + w.lo * interval '1 second'
        AND a.won_at < a.anchor + w.hi * interval '1 second'))::int AS wins
    FROM anchors a CROSS JOIN unnest(${windows.map((w) => w.from)}::float8[], ${windows.map((w) => w.to)}::float8[])
      WITH ORDINALITY AS w(lo, hi, i)
    WHERE a.anchor + w.hi * interval '1 second' <= ${at}::timestamptz
    GROUP BY a.stage, a.bucket, w.i`.execute(trx);
  return rows.map((r) => ({ ...r, bucket: Number(r.bucket), window: Number(r.window) }));
}

export interface OpenLead {
  ownerId: string | null;
  value: number;
  stage: string;
  /** Seconds since it entered its stage, at the instant asked. */
  age: number;
}

/** The leads the scope lets through that were open at `asOf`, in the stage they were in then. */
export async function openLeadsAt(trx: Tx, asOf: Date, visible: Expression<SqlBool>): Promise<OpenLead[]> {
  const at = asOf.toISOString();
  const { rows } = await sql<{ owner_id: string | null; value: string | null; stage: string; age: number }>`SELECT
      l.owner_id, l.expected_value AS value, cur.stage,
      extract(epoch FROM ${at}::timestamptz - cur.at)::float8 AS age
    FROM leads l
    JOIN LATERAL (SELECT h.to_stage AS stage, h.at FROM lead_stage_history h
      WHERE h.lead_id = l.id AND h.at <= ${at}::timestamptz ORDER BY h.at DESC, h.id DESC LIMIT 1) cur ON true
    WHERE ${leadIsLive} AND ${visible} AND l.created_at <= ${at}::timestamptz AND cur.stage IN ${openStages}`.execute(
    trx,
  );
  return rows.map((r) => ({
    ownerId: r.owner_id,
    value: r.value === null ? 0 : Number(r.value),
    stage: r.stage,
    age: Number(r.age),
  }));
}

export interface Won {
  ownerId: string | null;
  value: number;
  count: number;
}

/** What the scope's leads won in [from, to), by owner: leads in a won stage whose stage changed then. */
export async function wonBetween(trx: Tx, from: Date, to: Date, visible: Expression<SqlBool>): Promise<Won[]> {
  const { rows } = await sql<{ owner_id: string | null; value: string | null; count: number }>`SELECT l.owner_id,
      sum(l.expected_value) AS value, count(*)::int AS count
    FROM leads l
    WHERE ${leadIsLive} AND ${visible} AND l.stage IN ${wonStages}
      AND l.stage_changed_at >= ${from.toISOString()}::timestamptz AND l.stage_changed_at < ${to.toISOString()}::timestamptz
    GROUP BY l.owner_id`.execute(trx);
  return rows.map((r) => ({ ownerId: r.owner_id, value: r.value === null ? 0 : Number(r.value), count: r.count }));
}

export interface OwnerWins {
  ownerId: string | null;
  value: number;
  count: number;
}

/**
 * What leads created after a moment were won within a window after it: for each moment (an earlier instant) and
 * window (its from and to instants), the value and count of the scope's leads created at or after the moment
 * and won within the window, by the leads' owner (only owners with a win; none when nothing was won).
 */
export async function newLeadWinsByOwner(
  trx: Tx,
  samples: { since: Date; from: Date; to: Date }[],
  visible: Expression<SqlBool>,
): Promise<OwnerWins[][]> {
  if (samples.length === 0) return [];
  const { rows } = await sql<{ i: number; owner_id: string | null; value: string | null; count: number }>`SELECT s.i,
      l.owner_id, sum(l.expected_value) AS value, count(l.id)::int AS count
    FROM unnest(${samples.map((s) => s.since.toISOString())}::timestamptz[],
      ${samples.map((s) => s.from.toISOString())}::timestamptz[],
      ${samples.map((s) => s.to.toISOString())}::timestamptz[]) WITH ORDINALITY AS s(since, lo, hi, i)
    LEFT JOIN leads l ON ${leadIsLive} AND ${visible} AND l.stage IN ${wonStages}
      AND l.created_at >= s.since AND l.stage_changed_at >= s.lo AND l.stage_changed_at < s.hi
    GROUP BY s.i, l.owner_id`.execute(trx);
  const out = samples.map((): OwnerWins[] => []);
  for (const r of rows) {
    if (r.count === 0) continue;
    out[Number(r.i) - 1]?.push({ ownerId: r.owner_id, value: r.value === null ? 0 : Number(r.value), count: r.count });
  }
  return out;
}

export interface Person {
  id: string;
  name: string;
  role: string;
}

/**
 * The people a forecast by person covers: everyone (null root) or a subtree, people who sell (managers and
 * salespeople) and anyone else among `also` (owners with figures, people with targets).
 */
export async function peopleIn(trx: Tx, root: string | null, also: string[]): Promise<Person[]> {
  const inScope = root === null ? sql<SqlBool>`true` : sql<SqlBool>`u.id IN ${subtreeOf(root)}`;
  const { rows } = await sql<Person>`SELECT u.id, u.name, u.role::text AS role FROM users u
    WHERE ${inScope} AND ((u.active AND u.role IN ('MANAGER', 'SALESPERSON'))
      OR u.id = ANY(${also}::uuid[]))
    ORDER BY u.name, u.id`.execute(trx);
  return rows;
}

export async function personById(trx: Tx, id: string): Promise<Person | null> {
  const { rows } = await sql<Person>`SELECT u.id, u.name, u.role::text AS role FROM users u WHERE u.id = ${id}`.execute(
    trx,
  );
  return rows[0] ?? null;
}

/** When the company's history begins: its first lead's creation (leads imported with their history included). */
export async function firstLeadAt(trx: Tx): Promise<Date | null> {
  const { rows } = await sql<{ at: Date | null }>`SELECT min(l.created_at) AS at FROM leads l`.execute(trx);
  return rows[0]?.at ? new Date(rows[0].at) : null;
}

/** The months (first days, YYYY-MM-DD) the company's kept forecast already has. */
export async function forecastMonthsHeld(trx: Tx): Promise<Set<string>> {
  const { rows } = await sql<{ month: string }>`SELECT DISTINCT to_char(f.month, 'YYYY-MM-DD') AS month
    FROM forecast_months f`.execute(trx);
  return new Set(rows.map((r) => r.month));
}

export interface ForecastMonthRow {
  id: string;
  month: string;
  ownerId: string | null;
  basis: 'recorded' | 'reconstructed';
  expectedValue: number;
  expectedCount: number;
  madeAt: Date;
}

/** Keeps a month's forecast; a month already kept (the same month and owner) is left as it is. */
export async function insertForecastMonths(trx: Tx, rows: ForecastMonthRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await sql`INSERT INTO forecast_months
      (company_id, id, month, owner_id, basis, expected_value, expected_count, made_at)
    SELECT app_current_company(), r.id, r.month, r.owner_id, r.basis, r.expected_value, r.expected_count, r.made_at
    FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.month)}::date[],
      ${rows.map((r) => r.ownerId)}::uuid[], ${rows.map((r) => r.basis)}::text[],
      ${rows.map((r) => String(r.expectedValue))}::numeric[], ${rows.map((r) => String(r.expectedCount))}::numeric[],
      ${rows.map((r) => r.madeAt.toISOString())}::timestamptz[])
      AS r(id, month, owner_id, basis, expected_value, expected_count, made_at)
    ON CONFLICT DO NOTHING`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
