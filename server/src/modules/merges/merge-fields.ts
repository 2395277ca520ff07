import { AppError, type FieldError } from '../../http/errors.ts';
import {
  accessFieldOf,
  customAccess,
  type FieldAccess,
  type LeadColumns,
  type LeadRow,
  leadField,
  leadFields,
} from '../leads/index.ts';

const mergeColumns = (how: 'choose' | 'union'): Readonly<Record<string, string>> =>
  Object.fromEntries(leadFields.filter((f) => f.merge === how).map((f) => [f.key, f.column]));

/** The fields a merge takes from one lead, by API name, and their columns (the catalog's `merge: choose`). */
export const chosenColumns = mergeColumns('choose');
type ChosenField = string;

/** The fields a merge combines from every lead (the catalog's `merge: union`). */
export const unionColumns = mergeColumns('union');
type UnionField = string;

/** Column -> API field, to name the fields of a row image. */
export const fieldOfColumn: Record<string, string> = {
  ...Object.fromEntries(Object.entries(chosenColumns).map(([f, c]) => [c, f])),
  ...Object.fromEntries(Object.entries(unionColumns).map(([f, c]) => [c, f])),
  custom_fields: 'customFields',
};

const CUSTOM = /^customFields\.([a-z][a-z0-9_]{0,39})$/;

export function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0)
  );
}

/** Key-order-insensitive equality of JSON-like values (jsonb does not keep key order). */
export function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export interface MergePermissions {
  access: FieldAccess;
  /** leads:assign: owner, partner, warriors and co-sales follow the merge only with it. */
  canAssign: boolean;
}

export interface Resolution {
  /** Columns of the survivor that change. */
  changes: LeadColumns;
  /** Field -> the lead whose value the survivor took, when that is not the survivor's own. */
  chosen: Record<string, string>;
  /** Explicitly chosen owner or partner that differs from the survivor's: checked like an assignment. */
  assignment: { ownerId?: string | null; partnerId?: string | null };
}

type Row = LeadRow & Record<string, unknown>;

/**
 * What the survivor becomes: each chosen field from the lead named in `choices`, else the survivor's own value,
 * else the first non-empty one among the merged leads; emails, phones, tags, warriors and co-sales combined.
 * A field the caller may not write keeps the survivor's value unless chosen, and choosing another lead's value
 * for it is a 403 naming it, as an edit of that field would be.
 */
export function resolveFields(
  survivor: LeadRow,
  merged: LeadRow[],
  choices: Record<string, string>,
  perms: MergePermissions,
  customKeys: Set<string>,
): Resolution {
  const rows = [survivor, ...merged] as Row[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  checkChoices(choices, byId, rows, customKeys);

  const denied: string[] = [];
  const chosen: Record<string, string> = {};
  const changes: Record<string, unknown> = {};
  const s = survivor as Row;

  /** The value of one field and the lead it came from. */
  const pick = (field: string, valueIn: (r: Row) => unknown, writable: boolean, preferred?: Row): Row => {
    const choice = choices[field];
    if (choice !== undefined) {
      const from = byId.get(choice) as Row;
      if (!writable && !same(valueIn(from), valueIn(s))) denied.push(`fieldChoices.${field}`);
      return from;
    }
    if (!writable) return s;
    if (preferred && !isEmpty(valueIn(preferred))) return preferred;
    if (!isEmpty(valueIn(s))) return s;
    return rows.find((r) => !isEmpty(valueIn(r))) ?? s;
  };
  const writable = (field: ChosenField | UnionField): boolean => {
    const def = leadField(field);
    if (def?.access === 'assignment') return perms.canAssign;
    const controlled = accessFieldOf(field);
    if (controlled === null) return perms.access.canWrite;
    return perms.access.fields[controlled] === 'write';
  };

  const sources: Partial<Record<ChosenField, Row>> = {};
  for (const [field, column] of Object.entries(chosenColumns) as [ChosenField, string][]) {
    // The currency belongs with the amount: it follows the lead the expected value came from.
    const preferred = field === 'currency' ? sources.expectedValue : undefined;
    const from = pick(field, (r) => r[column], writable(field), preferred !== s ? preferred : undefined);
    sources[field] = from;
    if (!same(from[column], s[column])) {
      changes[column] = from[column];
      chosen[field] = from.id;
    }
  }
  for (const [field, column] of Object.entries(unionColumns) as [UnionField, string][]) {
    if (!writable(field)) continue;
    const union = [...new Set(rows.flatMap((r) => r[column] as string[]))];
    if (!same(union, s[column])) changes[column] = union;
  }

  const custom = { ...((s.custom_fields ?? {}) as Record<string, unknown>) };
  const keys = new Set(rows.flatMap((r) => Object.keys((r.custom_fields ?? {}) as object)));
  for (const field of Object.keys(choices)) {
    const key = CUSTOM.exec(field)?.[1];
    if (key) keys.add(key);
  }
  for (const key of keys) {
    const valueIn = (r: Row) => ((r.custom_fields ?? {}) as Record<string, unknown>)[key] ?? null;
    const from = pick(`customFields.${key}`, valueIn, customAccess(perms.access, key) === 'write');
    if (same(valueIn(from), valueIn(s))) continue;
    chosen[`customFields.${key}`] = from.id;
    if (isEmpty(valueIn(from))) delete custom[key];
    else custom[key] = valueIn(from);
  }
  if (!same(custom, s.custom_fields ?? {})) changes.custom_fields = custom;

  if (denied.length > 0) {
    throw new AppError('field_forbidden', `Your role may not change: ${denied.join(', ')}`, {
      errors: denied.map((path) => ({ path, message: 'your role may not change this field' })),
    });
  }
  const assignment: Resolution['assignment'] = {};
  if (choices.ownerId !== undefined && 'owner_id' in changes) assignment.ownerId = changes.owner_id as string | null;
  if (choices.partnerId !== undefined && 'partner_id' in changes) {
    assignment.partnerId = changes.partner_id as string | null;
  }
  return { changes: changes as LeadColumns, chosen, assignment };
}

function checkChoices(choices: Record<string, string>, byId: Map<string, Row>, rows: Row[], customKeys: Set<string>) {
  const errors: FieldError[] = [];
  for (const [field, leadId] of Object.entries(choices)) {
    const path = `fieldChoices.${field}`;
    const key = CUSTOM.exec(field)?.[1];
    if (field in unionColumns) {
      errors.push({ path, message: 'is combined from every lead, not chosen' });
    } else if (key !== undefined) {
      const held = rows.some((r) => key in ((r.custom_fields ?? {}) as object));
      if (!customKeys.has(key) && !held) errors.push({ path, message: 'is not a custom field of this company' });
    } else if (!(field in chosenColumns)) {
      errors.push({ path, message: 'is not a lead field a merge chooses' });
    }
    if (!byId.has(leadId)) errors.push({ path, message: 'must be the survivor or one of the merged leads' });
  }
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
}
