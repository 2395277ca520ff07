import { AppError, type FieldError } from '../../http/errors.ts';
import { type ControlledField, customAccess, type FieldAccess } from '../leads/lead-fields.ts';
import type { CustomFieldDef } from '../leads/lead-input.ts';
import type { LeadRow } from '../leads/leads.repository.ts';

/** A spreadsheet cell: text is neutralised before it is written, numbers and dates are written as such. */
export type Cell = string | number | boolean | Date | null;

/** What a row's cells are read with: names of people and stages, looked up once per export. */
export interface Lookups {
  userNames: Map<string, string>;
  stageNames: Map<string, string>;
}

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

const joined = (values: readonly string[] | null | undefined) => (values?.length ? values.join('; ') : null);
const when = (value: Date | string) => new Date(value);
const text = (key: string, label: string, field: ControlledField | null, column: keyof LeadRow): ExportColumn => ({
  key,
  label,
  field,
  kind: 'text',
  cell: (row) => (row[column] as string | null) ?? null,
  json: [key],
});
const names = (ids: string[], row: LeadRow) => {
  const people = (row.people ?? []) as { id: string; name: string }[];
  return joined(ids.map((id) => people.find((p) => p.id === id)?.name ?? id));
};

const builtIn: ExportColumn[] = [
  { key: 'id', label: 'ID', field: null, kind: 'text', cell: (row) => row.id, json: ['id'] },
  { key: 'name', label: 'Name', field: null, kind: 'text', cell: (row) => row.name, json: ['name'] },
  text('companyName', 'Company', 'companyName', 'company_name'),
  {
    key: 'emails',
    label: 'Emails',
    field: 'emails',
    kind: 'text',
    cell: (row) => joined(row.emails),
    json: ['emails'],
  },
  {
    key: 'phones',
    label: 'Phones',
    field: 'phones',
    kind: 'text',
    cell: (row) => joined(row.phones),
    json: ['phones'],
  },
  {
    key: 'stage',
    label: 'Stage',
    field: null,
    kind: 'text',
    cell: (row, l) => l.stageNames.get(row.stage) ?? row.stage,
    json: ['stage'],
  },
  {
    key: 'ownerName',
    label: 'Owner',
    field: 'ownerId',
    kind: 'text',
    cell: (row) => row.owner_name,
    json: ['ownerId', 'ownerName'],
  },
  {
    key: 'partnerName',
    label: 'Partner',
    field: 'partnerId',
    kind: 'text',
    cell: (row) => row.partner_name,
    json: ['partnerId', 'partnerName'],
  },
  {
    key: 'warriors',
    label: 'Warriors',
    field: 'warriorIds',
    kind: 'text',
    cell: (row) => names(row.warrior_ids, row),
    json: ['warriorIds', 'warriors'],
  },
  {
    key: 'coSales',
    label: 'Co-sales',
    field: 'coSalesIds',
    kind: 'text',
    cell: (row) => names(row.co_sales_ids, row),
    json: ['coSalesIds', 'coSales'],
  },
  text('source', 'Source', 'source', 'source'),
  text('campaign', 'Campaign', 'campaign', 'campaign'),
  text('product', 'Product', 'product', 'product'),
  text('city', 'City', 'city', 'city'),
  text('state', 'State', 'state', 'state'),
  text('country', 'Country', 'country', 'country'),
  text('territory', 'Territory', 'territory', 'territory'),
  {
    key: 'expectedValue',
    label: 'Expected value',
    field: 'expectedValue',
    kind: 'number',
    cell: (row) => (row.expected_value === null ? null : Number(row.expected_value)),
    json: ['expectedValue'],
  },
  text('currency', 'Currency', 'currency', 'currency'),
  {
    key: 'expectedCloseDate',
    label: 'Expected close date',
    field: 'expectedCloseDate',
    kind: 'date',
    cell: (row) => (row.expected_close_date === null ? null : String(row.expected_close_date).slice(0, 10)),
    json: ['expectedCloseDate'],
  },
  { key: 'tags', label: 'Tags', field: 'tags', kind: 'text', cell: (row) => joined(row.tags), json: ['tags'] },
  text('lostReason', 'Lost reason', 'lostReason', 'lost_reason'),
  text('notes', 'Notes', 'notes', 'notes'),
  {
    key: 'createdBy',
    label: 'Created by',
    field: null,
    kind: 'text',
    cell: (row, l) => (row.created_by ? (l.userNames.get(row.created_by) ?? row.created_by) : null),
    json: ['createdBy'],
  },
  {
    key: 'createdVia',
    label: 'Created via',
    field: null,
    kind: 'text',
    cell: (row) => row.created_via,
    json: ['createdVia'],
  },
  ...(
    [
      ['createdAt', 'Created at', 'created_at'],
      ['updatedAt', 'Updated at', 'updated_at'],
      ['stageChangedAt', 'In stage since', 'stage_changed_at'],
      ['lastTouchedAt', 'Last worked at', 'last_touched_at'],
    ] as const
  ).map(
    ([key, label, column]): ExportColumn => ({
      key,
      label,
      field: null,
      kind: 'datetime',
      cell: (row) => when(row[column] as Date | string),
      json: [key],
    }),
  ),
  { key: 'version', label: 'Version', field: null, kind: 'number', cell: (row) => row.version, json: ['version'] },
];

/** Names the list and saved views use for the same columns. */
const aliases: Record<string, string> = {
  ownerId: 'ownerName',
  partnerId: 'partnerName',
  warriorIds: 'warriors',
  coSalesIds: 'coSales',
};

/** What an export holds unless `columns` says otherwise: every built-in field but the version, then custom fields. */
const defaultKeys = builtIn.map((c) => c.key).filter((k) => k !== 'version');

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
  const all = [...builtIn, ...customDefs.map(customColumn)];
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

/**
 * OWASP CSV injection: a cell a spreadsheet would read as a formula (it starts with =, +, -, @, a tab or a
 * carriage return) gets a leading apostrophe, so it is shown as the text it is. Phone numbers as we store
 * them (E.164, `+` and digits only) cannot be a formula and are left readable.
 */
export function neutralise(value: string): string {
  if (!/^[=+\-@\t\r]/.test(value)) return value;
  if (/^\+\d{6,15}(; \+\d{6,15})*$/.test(value)) return value;
  return `'${value}`;
}
