/**
 * Running a report: resolve it (pre-built, saved, or a definition), load its context, check it against the
 * subject and the caller's access, run the grouped and the totals queries, and shape the rows with their labels
 * and each figure's drill-down.
 */
import type { Expression, SqlBool } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { AppError, type FieldError, forbidden } from '../../http/errors.ts';
import type { ClickHouse } from '../analytics/index.ts';
import { coerceLeadFilters, leadFilterConditions } from '../leads/index.ts';
import { can } from '../users/index.ts';
import { prebuiltReport, type RangePreset, type ReportGroup } from './catalog.ts';
import { type Answer, tryClickHouse } from './clickhouse-run.ts';
import { compileRows, compileTotals, fitToAccess, type Plan, plan, rangeCondition } from './compile.ts';
import { type Company, loadContext } from './context.ts';
import { dimensionLabel } from './labels.ts';
import * as repo from './reports.repository.ts';
import { rollupPlan } from './rollups.ts';
import {
  type Chart,
  type CompileContext,
  type Definition,
  type DrillParams,
  type ListKind,
  type MeasureFormat,
  mergeDrill,
} from './semantic.ts';
import { subjects } from './subjects/index.ts';
import { sourceLabel } from './subjects/lead-parts.ts';

export interface RunInput {
  report: string | Definition;
  from?: string | undefined;
  to?: string | undefined;
  filters?: Record<string, unknown> | undefined;
  groupBy?: string[] | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface Column {
  key: string;
  label: string;
  role: 'dimension' | 'measure';
  format: string;
}

export interface Row {
  values: Record<string, string | number | null>;
  labels: Record<string, string>;
  drill: Record<string, { list: ListKind; query: DrillParams }>;
}

interface Resolved {
  key: string | null;
  name: string;
  group: ReportGroup | 'saved' | null;
  description: string | null;
  definition: Definition;
  preset: RangePreset;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function resolve(trx: Tx, actor: Actor, report: string | Definition): Promise<Resolved> {
  if (typeof report !== 'string') {
    return { key: null, name: 'Custom report', group: null, description: null, definition: report, preset: 'all' };
  }
  const prebuilt = prebuiltReport(report);
  if (prebuilt) {
    const { key, name, group, description, definition, range } = prebuilt;
    return { key, name, group, description, definition, preset: range };
  }
  const saved = UUID.test(report) ? await repo.findVisibleSaved(trx, actor, report) : undefined;
  if (!saved) {
    throw new AppError('not_found', `No report ${report}`);
  }
  return {
    key: saved.id,
    name: saved.name,
    group: 'saved',
    description: null,
    definition: saved.definition,
    preset: 'all',
  };
}

/** The list parameters a report's filters stand for, when a list can take them as they are. */
function filterDrill(filters: Record<string, unknown>): DrillParams | null {
  const out: DrillParams = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length !== 1) return null;
      out[key] = String(value[0]);
    } else out[key] = String(value);
  }
  return out;
}

function windowDrill(p: Plan, c: CompileContext): DrillParams | null {
  if (!c.range || !p.timeField) return {};
  const drill = p.timeField.def.drill;
  if (!drill) return null;
  return drill.kind === 'dates'
    ? { [drill.min]: c.range.from, [drill.max]: c.range.to }
    : { [drill.from]: c.range.fromAt, [drill.to]: c.range.toAt };
}

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
const iso = (v: unknown) => new Date(v as string).toISOString();
/** An instant as PostgreSQL (a date) or ClickHouse (milliseconds, maybe as text) gives it, as ISO. */
const instant = (v: unknown) =>
  new Date(typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : (v as string | number)).toISOString();

function figure(format: MeasureFormat, v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (format === 'datetime') return iso(v);
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A report checked and planned for the caller, ready to compile for either engine. */
export interface PreparedReport {
  resolved: Resolved;
  def: Definition;
  p: Plan;
  ctx: CompileContext;
  company: Company;
  /** The lead list's filters as given (checked), and as PostgreSQL conditions with the scope and window. */
  filters: Record<string, unknown>;
  conditions: Expression<SqlBool>[];
  /** The filters' conditions alone (without the scope and the window). */
  filterConditions: Expression<SqlBool>[];
}

/** Resolves, checks and plans a report for the caller: every 400 and 403 a run can give is given here. */
export async function prepareReport(trx: Tx, actor: Actor, now: Date, input: RunInput): Promise<PreparedReport> {
  const resolved = await resolve(trx, actor, input.report);
  const def = resolved.definition;
  const prefix = typeof input.report === 'string' ? '' : 'report.';
  const subject = subjects[def.subject];
  if (!subject) {
    throw new AppError('validation_failed', `report.subject: ${def.subject} is not a subject`, {
      errors: [{ path: 'report.subject', message: `must be one of ${Object.keys(subjects).join(', ')}` }],
    });
  }
  if (subject.permission && !can(actor.role, subject.permission)) {
    throw forbidden(`Your role may not report on ${subject.label.toLowerCase()}`);
  }
  const wantsWeights = def.measures.includes('weightedValue');
  const { ctx, company } = await loadContext(
    trx,
    actor,
    now,
    { from: input.from, to: input.to, preset: resolved.preset },
    wantsWeights,
  );

  const errors: FieldError[] = [];
  const groupBy = input.groupBy ?? def.groupBy ?? [];
  // A report from the catalog shows what the role may see of it; a definition asking for more is a 400.
  let measures = def.measures;
  if (typeof input.report === 'string') {
    const fitted = fitToAccess(subject, { measures, groupBy: def.groupBy }, ctx.access);
    if (!fitted) throw forbidden('This report is about fields your role may not see');
    measures = fitted;
  }
  const p = plan(subject, { measures, groupBy, timeField: def.timeField }, ctx, prefix, errors);
  if (input.groupBy) for (const e of errors) e.path = e.path.replace(/^(report\.)?groupBy/, 'groupBy');
  const saved = { ...(def.filters ?? {}) };
  const asked = { ...(input.filters ?? {}) };
  const conditions: Expression<SqlBool>[] = [...subject.scope(ctx)];
  let filters: Record<string, unknown> = {};
  const filterConditions: Expression<SqlBool>[] = [];
  if (!subject.leadFilters) {
    if (Object.keys(asked).length > 0) errors.push({ path: 'filters', message: `${subject.label} take no filters` });
  }
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  if (subject.leadFilters) {
    // The report's own filters, then the caller's on top (the caller's win for the same parameter).
    filters = { ...coerceLeadFilters(saved, `${prefix}filters.`), ...coerceLeadFilters(asked, 'filters.') };
    filterConditions.push(...(await leadFilterConditions(trx, ctx.access, filters, 'filters.')));
    conditions.push(...filterConditions);
  }
  const range = rangeCondition(p, ctx);
  if (range) conditions.push(range);
  return { resolved, def, p, ctx, company, filters, conditions, filterConditions };
}

export interface RunOptions {
  /** ClickHouse, when the process has one: the report runs there if it can, else on PostgreSQL. */
  clickhouse?: ClickHouse | null;
  /** False: PostgreSQL reads the records even where the leads' rollup could answer (to compare the two). */
  rollups?: boolean;
}

/** Runs a report for the caller; the caller's visibility and field access are in every query. */
export async function runReport(trx: Tx, actor: Actor, now: Date, input: RunInput, options: RunOptions = {}) {
  const prepared = await prepareReport(trx, actor, now, input);
  const { resolved, def, p, ctx, company, filters, conditions } = prepared;
  const subject = p.subject;
  const limit = input.limit ?? 500;
  const offset = input.offset ?? 0;
  let answered: Answer | null = null;
  let engineNote: string | null = null;
  if (options.clickhouse) {
    const outcome = await tryClickHouse(trx, options.clickhouse, p, ctx, filters, { limit, offset });
    if ('rows' in outcome) answered = outcome;
    else engineNote = outcome.note;
  }
  const rolled = answered || options.rollups === false ? null : rollupPlan(p, ctx, filters, prepared.filterConditions);
  const asked = rolled ?? { plan: p, conditions };
  const { rows, totalsRow } = answered ?? {
    rows: (await compileRows(asked.plan, ctx, asked.conditions, { limit, offset }).execute(trx)).rows,
    totalsRow: (await compileTotals(asked.plan, ctx, asked.conditions).execute(trx)).rows[0] ?? {},
  };

  // What every figure's list shares: the report's filters and its window.
  const list = subject.list;
  const base =
    list === 'leads'
      ? mergeAll([filterDrill(filters), windowDrill(p, ctx)])
      : list === 'activities' && Object.keys(filters).length === 0
        ? windowDrill(p, ctx)
        : null;

  const stageNames = new Map(ctx.stages.map((s) => [s.key, s.name]));
  const columns: Column[] = [
    ...p.dims.map((d) => ({
      key: d.key,
      label: d.time ? `${d.dim.label} (${d.time.grain})` : d.dim.label,
      role: 'dimension' as const,
      format: d.time ? d.time.grain : d.dim.kind,
    })),
    ...p.measures.map((m) => ({
      key: m.key,
      label: m.measure.label,
      role: 'measure' as const,
      format: m.measure.format,
    })),
  ];

  const shaped: Row[] = rows.map((r) => {
    const values: Row['values'] = {};
    const labels: Row['labels'] = {};
    const parts: (DrillParams | null)[] = [base];
    p.dims.forEach((d, i) => {
      const value = text(r[`d${i}`]);
      values[d.key] = value;
      if (d.time) {
        labels[d.key] = dimensionLabel(d.time.grain, value, ctx.fiscalStart);
        const drill = d.time.def.drill;
        parts.push(
          !drill
            ? null
            : drill.kind === 'dates'
              ? { [drill.min]: String(value), [drill.max]: String(r[`t${i}`]) }
              : { [drill.from]: instant(r[`b${i}`]), [drill.to]: instant(r[`e${i}`]) },
        );
        return;
      }
      const label = r[`l${i}`];
      labels[d.key] =
        value === null
          ? '(none)'
          : label !== undefined && label !== null
            ? String(label)
            : d.dim.kind === 'stage'
              ? (stageNames.get(value) ?? value)
              : d.dim.kind === 'source'
                ? sourceLabel(value)
                : value;
      parts.push(d.dim.drill ? d.dim.drill(value, ctx) : null);
    });
    const shared = mergeAll(parts);
    const drill: Row['drill'] = {};
    p.measures.forEach((m, j) => {
      values[m.key] = figure(m.measure.format, r[`m${j}`]);
      const own = list && shared && m.measure.drill ? m.measure.drill(ctx) : null;
      const query = own && shared ? mergeDrill(shared, own) : null;
      if (list && query) drill[m.key] = { list, query };
    });
    return { values, labels, drill };
  });

  const totals: Record<string, number | string | null> = {};
  p.measures.forEach((m, j) => {
    totals[m.key] = figure(m.measure.format, totalsRow[`m${j}`]);
  });
  return {
    report: {
      key: resolved.key,
      name: resolved.name,
      subject: subject.key,
      chart: (def.chart ?? 'table') as Chart,
      group: resolved.group,
      description: resolved.description,
    },
    columns,
    rows: shaped,
    total: Number(rows[0]?.rows_total ?? (offset > 0 ? -1 : 0)),
    limit,
    offset,
    totals,
    generatedAt: now.toISOString(),
    engine: answered ? ('clickhouse' as const) : ('postgres' as const),
    ...(engineNote ? { engineNote } : {}),
    ...(rolled ? { rollup: true } : {}),
    currency: company.currency,
    locale: company.locale,
    timeZone: company.timeZone,
    from: ctx.range?.from ?? null,
    to: ctx.range?.to ?? null,
  };
}

function mergeAll(parts: (DrillParams | null)[]): DrillParams | null {
  let out: DrillParams = {};
  for (const part of parts) {
    if (part === null) return null;
    const merged = mergeDrill(out, part);
    if (merged === null) return null;
    out = merged;
  }
  return out;
}

export type { Company };
