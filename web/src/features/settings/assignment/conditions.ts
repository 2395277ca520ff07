import { formatDay, formatMoney, formatNumber } from '../../../lib/format';
import { builtInFieldLabels, CUSTOM_PREFIX, customFieldPath } from '../leadFields';
import type { ConditionOp, CustomField, RuleCondition } from '../settings.types';
import { leadSources } from '../sources';

/** How a condition reads a field (the server's kinds): it decides the operators and the value input. */
export type FieldKind = 'text' | 'list' | 'number' | 'date' | 'boolean';

/** The built-in lead fields a rule can test, as the server knows them. */
const builtInKinds: Record<string, FieldKind> = {
  source: 'text',
  campaign: 'text',
  product: 'text',
  city: 'text',
  state: 'text',
  country: 'text',
  territory: 'text',
  expectedValue: 'number',
  currency: 'text',
  expectedCloseDate: 'date',
  tags: 'list',
  name: 'text',
  companyName: 'text',
  emails: 'list',
  phones: 'list',
  notes: 'text',
  stage: 'text',
};

const customKinds: Record<string, FieldKind> = {
  text: 'text',
  number: 'number',
  date: 'date',
  select: 'text',
  multi_select: 'list',
  boolean: 'boolean',
  user: 'text',
};

/** The pseudo-field of the territory operator: it tests territory, state and city at once. */
export const PLACE = '@place';

export interface ConditionField {
  value: string;
  label: string;
  kind: FieldKind;
  /** Known choices (a select custom field, the lead sources), offered instead of free text. */
  options?: readonly Option[];
  /** An amount of money (the expected value): shown in the company's currency. */
  money?: boolean;
}

export interface Option {
  value: string;
  label: string;
}

/** The choices, plus any value already in use that is not one of them (an option since removed). */
export function optionsWith(options: readonly Option[], values: readonly unknown[]): Option[] {
  const extra = values
    .filter((value): value is string => typeof value === 'string' && value !== '')
    .filter((value) => !options.some((option) => option.value === value))
    .map((value) => ({ value, label: value }));
  return [...options, ...extra];
}

export function conditionFields(customFields: readonly CustomField[]): ConditionField[] {
  const builtIns: ConditionField[] = Object.entries(builtInKinds).map(([field, kind]) => ({
    value: field,
    label: field === 'stage' ? 'Stage' : (builtInFieldLabels[field] ?? field),
    kind,
    ...(field === 'source' ? { options: leadSources } : {}),
    ...(field === 'expectedValue' ? { money: true } : {}),
  }));
  const custom: ConditionField[] = customFields
    .filter((field) => field.active)
    .map((field) => ({
      value: customFieldPath(field.key),
      label: field.label,
      kind: customKinds[field.type] ?? 'text',
      ...(field.options.length > 0
        ? { options: field.options.map((option) => ({ value: option, label: option })) }
        : {}),
    }));
  return [{ value: PLACE, label: 'Territory, state or city', kind: 'text' }, ...builtIns, ...custom];
}

/** An operator as a person reads it: the API's `op` and whether `not` is set. */
export interface OpChoice {
  value: string;
  label: string;
  op: ConditionOp;
  not: boolean;
}

const choice = (op: ConditionOp, not: boolean, label: string): OpChoice => ({
  value: `${op}${not ? ':not' : ''}`,
  label,
  op,
  not,
});

const textOps = [
  choice('equals', false, 'is'),
  choice('equals', true, 'is not'),
  choice('in', false, 'is one of'),
  choice('in', true, 'is none of'),
  choice('contains', false, 'contains'),
  choice('contains', true, 'does not contain'),
  choice('is_empty', false, 'is empty'),
  choice('is_empty', true, 'is filled in'),
];
const listOps = [
  choice('equals', false, 'includes'),
  choice('equals', true, 'does not include'),
  choice('in', false, 'includes one of'),
  choice('in', true, 'includes none of'),
  choice('contains', false, 'has one containing'),
  choice('is_empty', false, 'is empty'),
  choice('is_empty', true, 'is filled in'),
];
const rangeOps = [
  choice('equals', false, 'is'),
  choice('equals', true, 'is not'),
  choice('range', false, 'is between'),
  choice('range', true, 'is outside'),
  choice('is_empty', false, 'is empty'),
  choice('is_empty', true, 'is filled in'),
];
const booleanOps = [
  choice('equals', false, 'is'),
  choice('is_empty', false, 'is empty'),
  choice('is_empty', true, 'is filled in'),
];
const placeOps = [choice('territory', false, 'is one of'), choice('territory', true, 'is none of')];

export function opsFor(field: ConditionField | undefined): OpChoice[] {
  if (!field) return textOps;
  if (field.value === PLACE) return placeOps;
  switch (field.kind) {
    case 'list':
      return listOps;
    case 'number':
    case 'date':
      return rangeOps;
    case 'boolean':
      return booleanOps;
    default:
      return textOps;
  }
}

export function fieldOf(condition: RuleCondition): string {
  return condition.op === 'territory' ? PLACE : (condition.field ?? '');
}

export function opValueOf(condition: RuleCondition): string {
  return `${condition.op}${condition.not ? ':not' : ''}`;
}

/** A fresh condition for a field: its first operator, with no value yet. */
export function conditionFor(field: ConditionField): RuleCondition {
  const first = opsFor(field)[0] ?? choice('equals', false, 'is');
  return field.value === PLACE ? { op: 'territory', values: [] } : { field: field.value, op: first.op };
}

/** Switches the operator, keeping what still fits (a value becomes a one-item list and back). */
export function withOp(condition: RuleCondition, next: OpChoice): RuleCondition {
  const base: RuleCondition = { op: next.op, ...(condition.field !== undefined ? { field: condition.field } : {}) };
  if (next.not) base.not = true;
  const first = condition.value ?? condition.values?.[0];
  if (next.op === 'equals' || next.op === 'contains') {
    if (first !== undefined) base.value = first;
  } else if (next.op === 'in' || next.op === 'territory') {
    base.values = condition.values ?? (condition.value !== undefined ? [String(condition.value)] : []);
  } else if (next.op === 'range') {
    if (condition.min !== undefined) base.min = condition.min;
    if (condition.max !== undefined) base.max = condition.max;
  }
  return base;
}

function show(value: unknown, field: ConditionField | undefined): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return field?.money ? formatMoney(value) : formatNumber(value);
  if (field?.kind === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDay(value);
  return field?.options?.find((option) => option.value === value)?.label ?? String(value);
}

function rangeText(condition: RuleCondition, field: ConditionField | undefined): string {
  const { min, max } = condition;
  const low = show(min, field);
  const high = show(max, field);
  if (min !== undefined && max !== undefined) {
    return condition.not ? `is outside ${low} to ${high}` : `is between ${low} and ${high}`;
  }
  if (min !== undefined) return condition.not ? `is below ${low}` : `is at least ${low}`;
  return condition.not ? `is above ${high}` : `is at most ${high}`;
}

/** One condition in words, for the rule list: "Source is web_form", "Expected value is between 1000 and 5000". */
export function describeCondition(condition: RuleCondition, fields: readonly ConditionField[]): string {
  const fieldValue = fieldOf(condition);
  const field = fields.find((item) => item.value === fieldValue);
  const label =
    field?.label ??
    (fieldValue.startsWith(CUSTOM_PREFIX) ? fieldValue.slice(CUSTOM_PREFIX.length) : fieldValue || 'Field');
  const op = opsFor(field).find((item) => item.value === opValueOf(condition));
  const verb = op?.label ?? condition.op;
  switch (condition.op) {
    case 'is_empty':
      return `${label} ${verb}`;
    case 'range':
      return `${label} ${rangeText(condition, field)}`;
    case 'in':
    case 'territory':
      return `${label} ${verb} ${(condition.values ?? []).map((value) => show(value, field)).join(', ')}`;
    default:
      return `${label} ${verb} ${show(condition.value ?? '', field)}`;
  }
}
