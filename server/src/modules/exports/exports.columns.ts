import { AppError, type FieldError } from '../../http/errors.ts';
import { wallClock } from '../assignment/index.ts';
import {
  accessFieldOf,
  type ControlledField,
  type CustomFieldDef,
  customAccess,
  type FieldAccess,
  type LeadFieldDef,
  type LeadRow,
  leadFields,
  leadSourceLabels,
} from '../leads/index.ts';

/** A spreadsheet cell: text is neutralised before it is written, numbers and dates are written as such. */
export type Cell = string | number | boolean | Date | null;

/** What a row's cells are read with: names of people and stages, looked up once per export. */
export interface Lookups {
  userNames: Map<string, string>;
  stageNames: Map<string, string>;
  /** The company's time zone: times are written on its wall clock, and their headers say which. */
  timeZone: string;
  /**
   * The reasons behind each lead's score on the page being written, as the exporting user may read them (read a
   * page at a time, only when the export holds them).
   */
  scoreReasons?: Map<string, { label: string; points: number }[]>;
}

/** How a lead's source (and the channel it came through) reads, as the web app shows it. */
export const SOURCE_LABELS: Record<string, string> = {
  ...leadSourceLabels,
  // The channels a lead came in through that are not sources of their own.
  ui: 'Manual',
  integration: 'Integration',
};

const sourceLabel = (value: string | null) => (value === null ? null : (SOURCE_LABELS[value] ?? value));

export interface ExportColumn {
  /** As `columns` names it, and the key of its value in a JSON export. */
  key: string;
  /** The header of the CSV / XLSX column. */
  label: string;
  /** The controlled field deciding whether the caller may export it (null: always shown). */
  field: ControlledField | null;
  kind: 'text' | 'number' | 'date' | 'datetime' | 'boolean';
  cell(row: LeadRow, lookups: Lookups): Cell;
  /** The JSON properties it stands for (ownerName keeps ownerId beside the name). */
  json: string[];
}

/** A score tier as it reads: "Hot", "Warm", "Cold". */
const tierLabel = (tier: string | null) => (tier ? `${tier.charAt(0).toUpperCase()}${tier.slice(1)}` : null);

const joined = (values: readonly string[] | null | undefined) => (values?.length ? values.join('; ') : null);
const names = (ids: string[], row: LeadRow) => {
  const people = (row.people ?? []) as { id: string; name: string }[];
  return joined(ids.map((id) => people.find((p) => p.id === id)?.name ?? id));
};

/** The assignment fields are exported by the names of their people, under the catalog's `namedAs`. */
const nameCells: Record<string, (row: LeadRow) => Cell> = {
  ownerId: (row) => row.owner_name,
  partnerId: (row) => row.partner_name,
  warriorIds: (row) => names(row.warrior_ids, row),
  coSalesIds: (row) => names(row.co_sales_ids, row),
};

/** One catalog field as an export column: its cell read as the field's display says (labels, names, local times). */
function columnOf(f: LeadFieldDef): ExportColumn {
  const value = (row: LeadRow) => (row as unknown as Record<string, unknown>)[f.column];
  const base = { label: f.label, field: accessFieldOf(f.key), json: [f.key] };
  const named = nameCells[f.key];
  if (f.namedAs && named) return { ...base, key: f.namedAs, kind: 'text', cell: named, json: [f.key, f.namedAs] };
  switch (f.display) {
    case 'emails':
    case 'phones':
    case 'tags':
      return { ...base, key: f.key, kind: 'text', cell: (row) => joined(value(row) as string[]) };
    case 'stage':
      return { ...base, key: f.key, kind: 'text', cell: (row, l) => l.stageNames.get(row.stage) ?? row.stage };
    case 'source':
    case 'channel':
      return { ...base, key: f.key, kind: 'text', cell: (row) => sourceLabel(value(row) as string | null) };
    case 'user':
      return {
        ...base,
        key: f.key,
        kind: 'text',
        cell: (row, l) => {
          const id = value(row) as string | null;
          return id ? (l.userNames.get(id) ?? id) : null;
        },
      };
    case 'money':
    case 'integer':
      return {
        ...base,
        key: f.key,
        kind: 'number',
        cell: (row) => (value(row) === null ? null : Number(value(row))),
      };
    case 'date':
      return {
        ...base,
        key: f.key,
        kind: 'date',
        cell: (row) => (value(row) === null ? null : String(value(row)).slice(0, 10)),
      };
    case 'datetime':
      return { ...base, key: f.key, kind: 'datetime', cell: (row) => new Date(value(row) as Date | string) };
    case 'tier':
      return { ...base, key: f.key, kind: 'text', cell: (row) => tierLabel(value(row) as string | null) };
    default:
      return { ...base, key: f.key, kind: 'text', cell: (row) => (value(row) as string | null) ?? null };
  }
}

/** "Source is Web form +12; No touch for 9 days -8". */
export function reasonsText(reasons: readonly { label: string; points: number }[] | undefined): string | null {
  if (!reasons || reasons.length === 0) return null;
  return reasons.map((r) => `${r.label} ${r.points > 0 ? '+' : ''}${r.points}`).join('; ');
}

/** The reasons behind the score, in words, beside the score's tier. */
export const SCORE_REASONS: ExportColumn = {
  key: 'scoreReasons',
  label: 'Score reasons',
  field: null,
  kind: 'text',
  cell: (row, l) => reasonsText(l.scoreReasons?.get(row.id)),
  json: ['scoreReasons'],
};

/**
 * Every built-in column an export can hold, in their default order: the catalog's fields flagged `export`, the
 * score's reasons after its tier (custom fields follow, one column each).
 */
export const EXPORT_COLUMNS: ExportColumn[] = leadFields
  .filter((f) => f.export && f.type !== 'jsonb')
  .flatMap((f) => (f.key === 'scoreTier' ? [columnOf(f), SCORE_REASONS] : [columnOf(f)]));

/** Names the list and saved views use for the same columns. */
const aliases: Record<string, string> = Object.fromEntries(
  leadFields.flatMap((f) => (f.namedAs ? [[f.key, f.namedAs]] : [])),
);

/** What an export holds unless `columns` says otherwise: every built-in field but the version, then custom fields. */
const defaultKeys = EXPORT_COLUMNS.map((c) => c.key).filter((k) => k !== 'version');

function customColumn(def: CustomFieldDef): ExportColumn {
  const kind = def.type === 'number' ? 'number' : def.type === 'boolean' ? 'boolean' : 'text';
  return {
    key: `customFields.${def.key}`,
    label: def.label,
    field: 'customFields',
    kind,
    cell: (row) => {
      const value = (row.custom_fields as Record<string, unknown> | null)?.[def.key];
      if (value === undefined || value === null) return null;
      if (Array.isArray(value)) return joined(value.map(String));
      if (kind === 'number') return typeof value === 'number' ? value : Number(value);
      if (kind === 'boolean') return Boolean(value);
      return String(value);
    },
    json: [`customFields.${def.key}`],
  };
}

function hidden(column: ExportColumn, access: FieldAccess): boolean {
  if (column.key.startsWith('customFields.')) {
    return customAccess(access, column.key.slice('customFields.'.length)) === 'hidden';
  }
  return column.field !== null && access.fields[column.field] === 'hidden';
}

/**
 * The columns of an export, in order: those `requested` (comma-separated, as the list view names them), else
 * every field the caller may see. Naming an unknown field, or one the caller may not see, is a 400 naming it:
 * an export never holds what the list would not show.
 */
export function exportColumns(
  requested: string | undefined,
  access: FieldAccess,
  customDefs: CustomFieldDef[],
): ExportColumn[] {
  const all = [...EXPORT_COLUMNS, ...customDefs.map(customColumn)];
  const byKey = new Map(all.map((c) => [c.key, c]));
  if (requested === undefined || requested.trim() === '') {
    const keys = [...defaultKeys, ...customDefs.map((d) => `customFields.${d.key}`)];
    return keys.flatMap((k) => byKey.get(k) ?? []).filter((c) => !hidden(c, access));
  }
  const errors: FieldError[] = [];
  const columns: ExportColumn[] = [];
  for (const raw of requested.split(',')) {
    const name = raw.trim();
    if (!name) continue;
    const column = byKey.get(aliases[name] ?? name);
    if (!column) errors.push({ path: 'columns', message: `${name} is not a lead field to export` });
    else if (hidden(column, access)) errors.push({ path: 'columns', message: `${name} is not shown to your role` });
    else if (!columns.includes(column)) columns.push(column);
  }
  if (errors.length > 0) {
    throw new AppError('validation_failed', `columns: ${errors.map((e) => e.message).join('; ')}`, { errors });
  }
  return columns;
}

/** A column's header: times say the time zone they are written in, e.g. "Created at (Asia/Kolkata)". */
export function headerOf(column: ExportColumn, lookups: Lookups): string {
  return column.kind === 'datetime' ? `${column.label} (${lookups.timeZone})` : column.label;
}

/**
 * An instant as the zone's wall clock, as a Date whose UTC fields read that wall clock: what a spreadsheet, which
 * knows no time zones, should show.
 */
export function wallClockDate(instant: Date, timeZone: string): Date {
  const p = wallClock(instant, timeZone);
  return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second));
}

/** An instant as the zone's wall clock, "YYYY-MM-DD HH:MM:SS", for text files. */
export function wallClockText(instant: Date, timeZone: string): string {
  return wallClockDate(instant, timeZone).toISOString().slice(0, 19).replace('T', ' ');
}
