import type { LeadCatalogField } from '../../lib/lead-catalog';
import type { Behaviour, Operator, RuleBody, ScoreRule } from './scoring.types';

/** What a rule's value is compared as. */
export type ValueType = 'text' | 'choice' | 'number' | 'date' | 'list' | 'boolean';

export interface Option {
  value: string;
  label: string;
}

/** A lead field a rule may test: a built-in field of the catalog or a custom field (`customFields.<key>`). */
export interface RuleField {
  key: string;
  label: string;
  group: 'Lead fields' | 'Custom fields';
  type: ValueType;
  /** The values it takes, when it has a fixed list (source, stage, a select custom field). */
  options?: Option[];
}

export const operatorLabels: Record<Operator, string> = {
  equals: 'is',
  in: 'is any of',
  contains: 'contains',
  gte: 'is at least',
  lte: 'is at most',
  is_set: 'is filled in',
  is_empty: 'is empty',
};

const operatorsByType: Record<ValueType, Operator[]> = {
  text: ['equals', 'in', 'contains', 'is_set', 'is_empty'],
  choice: ['equals', 'in', 'is_set', 'is_empty'],
  number: ['equals', 'gte', 'lte', 'is_set', 'is_empty'],
  date: ['gte', 'lte', 'equals', 'is_set', 'is_empty'],
  list: ['contains', 'in', 'is_set', 'is_empty'],
  boolean: ['equals', 'is_set', 'is_empty'],
};

/** The operators that make sense for a field of this type, the usual one first. */
export function operatorsFor(type: ValueType): Operator[] {
  return operatorsByType[type];
}

/** How the catalog's display kinds read as a rule's value type; fields not listed here are not offered. */
const typeOfDisplay: Partial<Record<LeadCatalogField['display'], ValueType>> = {
  text: 'text',
  longtext: 'text',
  source: 'choice',
  stage: 'choice',
  currency: 'text',
  money: 'number',
  integer: 'number',
  date: 'date',
  tags: 'list',
  emails: 'list',
  phones: 'list',
};

const typeOfCustom: Record<string, ValueType | undefined> = {
  text: 'text',
  number: 'number',
  date: 'date',
  boolean: 'boolean',
  select: 'choice',
  multi_select: 'list',
};

/**
 * The fields a rule may test: the catalog's fields a person fills in (never the system's own, such as the score)
 * and the company's custom fields, with the values of those that have a fixed list.
 */
export function ruleFields(
  catalog: readonly LeadCatalogField[],
  custom: readonly { key: string; label: string; type: string; options: readonly string[] }[],
  choices: { sources: Option[]; stages: Option[] },
): RuleField[] {
  const out: RuleField[] = [];
  for (const f of catalog) {
    const type = typeOfDisplay[f.display];
    if (!type || f.access === 'system') continue;
    const options = f.display === 'source' ? choices.sources : f.display === 'stage' ? choices.stages : undefined;
    out.push({ key: f.key, label: f.label, group: 'Lead fields', type, ...(options ? { options } : {}) });
  }
  for (const c of custom) {
    const type = typeOfCustom[c.type];
    if (!type) continue;
    const options = c.options.length > 0 ? c.options.map((o) => ({ value: o, label: o })) : undefined;
    out.push({
      key: `customFields.${c.key}`,
      label: c.label,
      group: 'Custom fields',
      type,
      ...(options ? { options } : {}),
    });
  }
  return out;
}

/** The behaviour counted in days without touch rather than in events: its window is the number of days. */
export const NO_TOUCH = 'no_touch_days';

/** A rule as the form edits it. */
export interface RuleDraft {
  label: string;
  kind: 'field' | 'behaviour';
  field: string | null;
  operator: Operator | null;
  /** One value (text, number, yes/no), several (`in`), or none (`is_set`, `is_empty`). */
  value: string | number | boolean | string[] | null;
  behaviour: string | null;
  windowDays: number | null;
  /** A behaviour rule: at least this many times (1: at least once). */
  times: number | null;
  points: number | null;
  active: boolean;
}

export const emptyDraft: RuleDraft = {
  label: '',
  kind: 'field',
  field: null,
  operator: null,
  value: null,
  behaviour: null,
  windowDays: null,
  times: 1,
  points: 10,
  active: true,
};

export function draftOf(rule: ScoreRule): RuleDraft {
  const value = rule.value;
  return {
    label: rule.label,
    kind: rule.kind,
    field: rule.field,
    operator: rule.operator,
    value:
      Array.isArray(value) || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? (value as RuleDraft['value'])
        : null,
    behaviour: rule.behaviour,
    windowDays: rule.windowDays,
    times: rule.kind === 'behaviour' && rule.operator === 'gte' && typeof value === 'number' ? value : 1,
    points: rule.points,
    active: rule.active,
  };
}

/** Whether the operator compares with a value, and with how many. */
export function valueShape(operator: Operator | null): 'none' | 'one' | 'many' {
  if (operator === null || operator === 'is_set' || operator === 'is_empty') return 'none';
  return operator === 'in' ? 'many' : 'one';
}

/** The value a new operator starts from: the current one when it still fits, else none. */
export function valueForOperator(draft: RuleDraft, operator: Operator): RuleDraft['value'] {
  const shape = valueShape(operator);
  if (shape === 'none') return null;
  if (shape === 'many') {
    if (Array.isArray(draft.value)) return draft.value;
    return draft.value === null || draft.value === '' ? [] : [String(draft.value)];
  }
  if (Array.isArray(draft.value)) return draft.value[0] ?? null;
  return draft.value;
}

function valueText(field: RuleField | undefined, value: RuleDraft['value']): string {
  const one = (v: string | number | boolean) => {
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    return field?.options?.find((o) => o.value === String(v))?.label ?? String(v);
  };
  if (value === null) return '';
  if (Array.isArray(value)) return value.map(one).join(' or ');
  return one(value);
}

/** A label that says what the rule tests, e.g. "Source is Web form", "Visited the pricing page in 30 days". */
export function suggestLabel(draft: RuleDraft, fields: readonly RuleField[], behaviours: readonly Behaviour[]): string {
  if (draft.kind === 'behaviour') {
    const behaviour = behaviours.find((b) => b.key === draft.behaviour);
    if (!behaviour) return '';
    if (behaviour.key === NO_TOUCH) return draft.windowDays ? `No touch for ${draft.windowDays} days` : '';
    const times = draft.times && draft.times > 1 ? ` ${draft.times} times` : '';
    const window = behaviour.takesWindow && draft.windowDays ? ` in the last ${draft.windowDays} days` : '';
    return `${behaviour.label}${times}${window}`;
  }
  const field = fields.find((f) => f.key === draft.field);
  if (!field || !draft.operator) return '';
  const text = valueText(field, draft.value);
  return `${field.label} ${operatorLabels[draft.operator]}${text ? ` ${text}` : ''}`.slice(0, 120);
}

export type DraftErrors = Partial<
  Record<'label' | 'field' | 'operator' | 'value' | 'behaviour' | 'windowDays' | 'points', string>
>;

/** The request body of a draft, or what is missing from it. */
export function toRuleBody(
  draft: RuleDraft,
  fields: readonly RuleField[],
  behaviours: readonly Behaviour[],
): { body: RuleBody; errors: null } | { body: null; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const label = (draft.label.trim() || suggestLabel(draft, fields, behaviours)).slice(0, 120);
  if (!label) errors.label = 'Give the rule a name';
  if (draft.points === null || !Number.isInteger(draft.points) || draft.points === 0) {
    errors.points = 'Points from −100 to 100, not 0';
  } else if (draft.points < -100 || draft.points > 100) errors.points = 'Points from −100 to 100, not 0';
  let body: RuleBody;
  if (draft.kind === 'behaviour') {
    const behaviour = behaviours.find((b) => b.key === draft.behaviour);
    if (!behaviour) errors.behaviour = 'Pick a behaviour';
    const noTouch = behaviour?.key === NO_TOUCH;
    const windowDays = behaviour?.takesWindow ? draft.windowDays : null;
    if (noTouch && windowDays === null) errors.windowDays = 'How many days without a touch';
    else if (windowDays !== null && (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 365)) {
      errors.windowDays = 'From 1 to 365 days';
    }
    const times = noTouch ? 1 : (draft.times ?? 1);
    if (!Number.isInteger(times) || times < 1 || times > 1000) errors.value = 'From 1 to 1000 times';
    body = {
      label,
      kind: 'behaviour',
      field: null,
      operator: times > 1 ? 'gte' : null,
      value: times > 1 ? times : null,
      behaviour: draft.behaviour,
      windowDays,
      points: draft.points ?? 0,
      active: draft.active,
    };
  } else {
    const field = fields.find((f) => f.key === draft.field);
    if (!field) errors.field = 'Pick a field';
    if (!draft.operator || (field && !operatorsFor(field.type).includes(draft.operator))) {
      errors.operator = 'Pick how to compare';
    }
    const shape = valueShape(draft.operator);
    let value: unknown = null;
    if (shape === 'many') {
      value = Array.isArray(draft.value) ? draft.value.filter((v) => v.trim() !== '') : [];
      if ((value as string[]).length === 0) errors.value = 'Give at least one value';
    } else if (shape === 'one') {
      value = typeof draft.value === 'string' ? draft.value.trim() : draft.value;
      if (value === null || value === '') errors.value = 'Give a value';
      else if (field?.type === 'number' && typeof value !== 'number') errors.value = 'Give a number';
      else if (field?.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(String(value))) errors.value = 'Give a date';
    }
    body = {
      label,
      kind: 'field',
      field: draft.field,
      operator: draft.operator,
      value,
      behaviour: null,
      windowDays: null,
      points: draft.points ?? 0,
      active: draft.active,
    };
  }
  return Object.keys(errors).length > 0 ? { body: null, errors } : { body, errors: null };
}
