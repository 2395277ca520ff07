import type { FieldError } from '../../http/errors.ts';
import { type ConditionKind, leadFields } from '../leads/index.ts';
import type { ConditionInput, Operator } from './assignment.schemas.ts';

/** How a condition reads a field: text, a list of texts, a number, a calendar date or a yes/no. */
export type FieldKind = ConditionKind;

/** The built-in lead fields a condition may test, in API terms (the catalog's `condition`). */
export const leadFieldKinds: Record<string, FieldKind> = Object.fromEntries(
  leadFields.flatMap((f) => (f.condition ? [[f.key, f.condition]] : [])),
);

const customKinds: Record<string, FieldKind> = {
  text: 'text',
  number: 'number',
  date: 'date',
  select: 'text',
  multi_select: 'list',
  boolean: 'boolean',
  user: 'text',
};

const operatorKinds: Record<Operator, readonly FieldKind[]> = {
  equals: ['text', 'list', 'number', 'date', 'boolean'],
  in: ['text', 'list'],
  contains: ['text', 'list'],
  range: ['number', 'date'],
  is_empty: ['text', 'list', 'number', 'date', 'boolean'],
  territory: [],
};

const CUSTOM = 'customFields.';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks conditions against the lead fields and the company's custom fields. Shape problems (an unknown
 * built-in field, a value of the wrong kind) are `shape`; a custom field that does not exist is `missing`.
 */
export function checkConditions(
  conditions: ConditionInput[],
  customFields: { key: string; type: string }[],
  base: string,
): { shape: FieldError[]; missing: FieldError[] } {
  const shape: FieldError[] = [];
  const missing: FieldError[] = [];
  const custom = new Map(customFields.map((f) => [f.key, customKinds[f.type] ?? 'text']));
  for (const [i, c] of conditions.entries()) {
    const at = `${base}.${i}`;
    if (c.op === 'territory') {
      if (c.field !== undefined)
        shape.push({ path: `${at}.field`, message: 'territory tests territory, state and city' });
      if (!c.values) shape.push({ path: `${at}.values`, message: 'territory needs the list of places' });
      continue;
    }
    if (c.field === undefined) {
      shape.push({ path: `${at}.field`, message: `is required for ${c.op}` });
      continue;
    }
    let kind: FieldKind | undefined;
    if (c.field.startsWith(CUSTOM)) {
      kind = custom.get(c.field.slice(CUSTOM.length));
      if (!kind) {
        missing.push({ path: `${at}.field`, message: `${c.field} is not a custom field of this company` });
        continue;
      }
    } else {
      kind = leadFieldKinds[c.field];
      if (!kind) {
        shape.push({ path: `${at}.field`, message: `${c.field} is not a lead field a rule can test` });
        continue;
      }
    }
    if (!operatorKinds[c.op].includes(kind)) {
      shape.push({ path: `${at}.op`, message: `${c.op} does not apply to ${c.field} (a ${kind} field)` });
      continue;
    }
    shape.push(...checkOperands(c, kind, at));
  }
  return { shape, missing };
}

function checkOperands(c: ConditionInput, kind: FieldKind, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const unused = (key: 'value' | 'values' | 'min' | 'max') => {
    if (c[key] !== undefined) errors.push({ path: `${at}.${key}`, message: `is not used by ${c.op}` });
  };
  switch (c.op) {
    case 'equals':
      unused('values');
      unused('min');
      unused('max');
      if (c.value === undefined) errors.push({ path: `${at}.value`, message: 'equals needs a value' });
      else if (!fitsKind(c.value, kind)) errors.push({ path: `${at}.value`, message: `must be ${kindNoun(kind)}` });
      break;
    case 'in':
      unused('value');
      unused('min');
      unused('max');
      if (!c.values) errors.push({ path: `${at}.values`, message: 'in needs a list of values' });
      break;
    case 'contains':
      unused('values');
      unused('min');
      unused('max');
      if (typeof c.value !== 'string') errors.push({ path: `${at}.value`, message: 'contains needs a text value' });
      break;
    case 'range':
      unused('value');
      unused('values');
      if (c.min === undefined && c.max === undefined) {
        errors.push({ path: `${at}.min`, message: 'range needs min, max or both' });
      }
      for (const key of ['min', 'max'] as const) {
        const bound = c[key];
        if (bound !== undefined && !fitsKind(bound, kind)) {
          errors.push({ path: `${at}.${key}`, message: `must be ${kindNoun(kind)}` });
        }
      }
      if (c.min !== undefined && c.max !== undefined && compare(c.min, c.max) > 0) {
        errors.push({ path: `${at}.max`, message: 'must not be below min' });
      }
      break;
    case 'is_empty':
      unused('value');
      unused('values');
      unused('min');
      unused('max');
      break;
  }
  return errors;
}

function fitsKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && DATE.test(value);
    default:
      return typeof value === 'string';
  }
}

function kindNoun(kind: FieldKind): string {
  return { text: 'a text', list: 'a text', number: 'a number', date: 'a date (YYYY-MM-DD)', boolean: 'true or false' }[
    kind
  ];
}

function fieldValue(lead: Record<string, unknown>, field: string): unknown {
  if (field.startsWith(CUSTOM)) {
    const custom = (lead.customFields ?? {}) as Record<string, unknown>;
    return custom[field.slice(CUSTOM.length)];
  }
  return lead[field];
}

const norm = (value: unknown) => String(value).trim().toLowerCase();

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Whether one condition holds for a lead (text is compared without case; a list matches by any element). */
export function conditionHolds(c: ConditionInput, lead: Record<string, unknown>): boolean {
  return testCondition(c, lead) !== (c.not === true);
}

function testCondition(c: ConditionInput, lead: Record<string, unknown>): boolean {
  if (c.op === 'territory') {
    const places = new Set((c.values ?? []).map(norm));
    return ['territory', 'state', 'city'].some((f) => !isEmpty(lead[f]) && places.has(norm(lead[f])));
  }
  const value = fieldValue(lead, c.field ?? '');
  if (c.op === 'is_empty') return isEmpty(value);
  if (isEmpty(value)) return false;
  const items = Array.isArray(value) ? value : [value];
  switch (c.op) {
    case 'equals':
      return items.some((item) =>
        typeof c.value === 'string' ? norm(item) === norm(c.value) : toComparable(item, c.value) === c.value,
      );
    case 'in': {
      const allowed = new Set((c.values ?? []).map(norm));
      return items.some((item) => allowed.has(norm(item)));
    }
    case 'contains':
      return items.some((item) => norm(item).includes(norm(c.value)));
    case 'range':
      return items.some((item) => {
        const v = toComparable(item, c.min ?? c.max);
        if (v === null || typeof v === 'boolean') return false;
        return (c.min === undefined || compare(v, c.min) >= 0) && (c.max === undefined || compare(v, c.max) <= 0);
      });
    default:
      return false;
  }
}

/** Numbers by value, dates (YYYY-MM-DD) as text; a number never equals a date. */
function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A lead value in the kind of the operand: numbers may arrive as numeric text (database numerics). */
function toComparable(item: unknown, like: unknown): string | number | boolean | null {
  if (typeof like === 'number') {
    const n = typeof item === 'number' ? item : Number(item);
    return Number.isFinite(n) ? n : null;
  }
  if (typeof like === 'boolean') return typeof item === 'boolean' ? item : null;
  return typeof item === 'string' ? item.slice(0, 10) : null;
}
