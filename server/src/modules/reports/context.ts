/**
 * What a report needs to know before it compiles: the company's zone, currency, fiscal year and pipeline, the
 * caller's field access and custom fields, and the window as dates and instants.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { customAccess, fieldAccessFor } from '../leads/index.ts';
import { leadVisibleTo } from '../leads/scope.ts';
import type { RangePreset } from './catalog.ts';
import { postgres } from './dialect.ts';
import type { CompileContext, StageInfo, StageKind } from './semantic.ts';

export interface Company {
  timeZone: string;
  currency: string;
  locale: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: string) => DATE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const ZONE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/** YYYY-MM-DD of a date at noon UTC, shifted by days. */
const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const ymd = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d, 12)).toISOString().slice(0, 10);

/** A preset window as dates, counted from today in the company's zone; null for all time. */
export function presetRange(preset: RangePreset, today: string): { from: string; to: string } | null {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const quarterStart = Math.floor((m - 1) / 3) * 3 + 1;
  const weekday = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: shift(today, -1), to: shift(today, -1) };
    case 'thisWeek':
      return { from: shift(today, -weekday), to: shift(today, 6 - weekday) };
    case 'lastWeek':
      return { from: shift(today, -weekday - 7), to: shift(today, -weekday - 1) };
    case 'thisMonth':
      return { from: ymd(y, m, 1), to: ymd(y, m + 1, 0) };
    case 'lastMonth':
      return { from: ymd(y, m - 1, 1), to: ymd(y, m, 0) };
    case 'thisQuarter':
      return { from: ymd(y, quarterStart, 1), to: ymd(y, quarterStart + 3, 0) };
    case 'nextQuarter':
      return { from: ymd(y, quarterStart + 3, 1), to: ymd(y, quarterStart + 6, 0) };
    case 'thisYear':
      return { from: ymd(y, 1, 1), to: ymd(y, 12, 31) };
    case 'last30Days':
      return { from: shift(today, -29), to: today };
    case 'last90Days':
      return { from: shift(today, -89), to: today };
    case 'last12Months':
      return { from: ymd(y, m - 11, 1), to: ymd(y, m + 1, 0) };
    case 'all':
      return null;
  }
}

export const todayIn = (zone: string, now: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(now);

interface Loaded {
  timezone: string;
  currency: string;
  locale: string;
  fiscal: number;
  stages: { key: string; name: string; kind: StageKind; position: number; probability: string | null }[];
  custom: { key: string; label: string; type: string }[] | null;
}

/**
 * The context of one run. `from`/`to` (dates in the company's zone) win over the report's preset; a window
 * backwards is a 400 naming `from`.
 */
export async function loadContext(
  trx: Tx,
  actor: Actor,
  now: Date,
  window: { from?: string | undefined; to?: string | undefined; preset: RangePreset },
  learnProbabilities: boolean,
): Promise<{ ctx: CompileContext; company: Company }> {
  const { rows } = await sql<Loaded>`SELECT c.timezone, c.currency, c.locale, c.fiscal_year_start_month AS fiscal,
      (SELECT json_agg(json_build_object('key', s.key, 'name', s.name, 'kind', s.kind, 'position', s.position,
        'probability', s.probability) ORDER BY s.position, s.key) FROM pipeline_stages s) AS stages,
      (SELECT json_agg(json_build_object('key', f.key, 'label', f.label, 'type', f.type) ORDER BY f.key)
        FROM custom_fields f WHERE f.active) AS custom
    FROM companies c WHERE c.id = app_current_company()`.execute(trx);
  const row = rows[0];
  if (!row) throw new Error('The company of the request is missing');
  if (!ZONE.test(row.timezone)) throw new Error(`The company's time zone ${row.timezone} is not a zone name`);
  const access = await fieldAccessFor(trx, actor.role);

  const errors: FieldError[] = [];
  for (const key of ['from', 'to'] as const) {
    const v = window[key];
    if (v !== undefined && !isDate(v)) errors.push({ path: key, message: 'must be a date (YYYY-MM-DD)' });
  }
  let range: { from: string; to: string } | null = null;
  if (errors.length === 0) {
    const preset = presetRange(window.preset, todayIn(row.timezone, now));
    const from = window.from ?? (window.to ? '1970-01-01' : preset?.from);
    const to = window.to ?? (window.from ? '9999-12-31' : preset?.to);
    if (from && to) range = { from, to };
    if (range && range.from > range.to) errors.push({ path: 'from', message: `is after to (${range.to})` });
  }
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  let instants: { fromAt: string; toAt: string } | null = null;
  if (range) {
    const r = await sql<{ from_at: Date; to_at: Date }>`SELECT
        (${range.from}::date)::timestamp AT TIME ZONE ${row.timezone} AS from_at,
        (${range.to}::date + 1)::timestamp AT TIME ZONE ${row.timezone} AS to_at`.execute(trx);
    const first = r.rows[0] as { from_at: Date; to_at: Date };
    instants = { fromAt: new Date(first.from_at).toISOString(), toAt: new Date(first.to_at).toISOString() };
  }

  const stages = row.stages ?? [];
  const learnt = learnProbabilities ? await learnedProbabilities(trx, stages) : new Map<string, number>();
  const ctx: CompileContext = {
    actor,
    access,
    timeZone: row.timezone,
    currency: row.currency,
    now,
    fiscalStart: row.fiscal,
    stages: stages.map(
      (s): StageInfo => ({
        key: s.key,
        name: s.name,
        kind: s.kind,
        position: s.position,
        probability:
          s.probability !== null
            ? Number(s.probability)
            : s.kind === 'won'
              ? 1
              : s.kind === 'lost'
                ? 0
                : (learnt.get(s.key) ?? 0),
      }),
    ),
    customFields: (row.custom ?? []).filter((f) => customAccess(access, f.key) !== 'hidden'),
    range: range && instants ? { ...range, ...instants } : null,
    d: postgres,
    leadScope: leadVisibleTo(actor),
  };
  return { ctx, company: { timeZone: row.timezone, currency: row.currency, locale: row.locale } };
}

/**
 * A stage's win probability learnt from the company's history: of the leads that entered it and have since
 * closed, the share that was won.
 */
async function learnedProbabilities(trx: Tx, stages: Loaded['stages']): Promise<Map<string, number>> {
  const won = stages.filter((s) => s.kind === 'won').map((s) => s.key);
  const closed = stages.filter((s) => s.kind !== 'open').map((s) => s.key);
  if (won.length === 0) return new Map();
  const { rows } = await sql<{ stage: string; p: number | null }>`SELECT h.to_stage AS stage,
      (count(DISTINCT h.lead_id) FILTER (WHERE l.stage IN (${sql.join(won)})))::float8
        / nullif(count(DISTINCT h.lead_id) FILTER (WHERE l.stage IN (${sql.join(closed)})), 0) AS p
    FROM lead_stage_history h JOIN leads l ON l.company_id = h.company_id AND l.id = h.lead_id
    WHERE l.deleted_at IS NULL AND l.merged_into IS NULL
    GROUP BY h.to_stage`.execute(trx);
  return new Map(rows.filter((r) => r.p !== null).map((r) => [r.stage, Number(r.p)]));
}
