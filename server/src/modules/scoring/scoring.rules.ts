import type { FieldError } from '../../http/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { leadFields } from '../leads/index.ts';
import { countBetween, type Signals } from './scoring.signals.ts';

/**
 * Score rules: points for a field's value (`kind: field`) or for what the lead did (`kind: behaviour`). The fields
 * a rule may test are the lead catalog's import, filter and report fields of a type a rule can compare, and the
 * company's custom fields; each field's type decides the operators it takes.
 */
export const operators = ['equals', 'in', 'contains', 'gte', 'lte', 'is_set', 'is_empty'] as const;
export type Operator = (typeof operators)[number];

/** How a rule compares a field. */
export type RuleFieldKind = 'text' | 'list' | 'number' | 'date' | 'boolean' | 'choice' | 'multi' | 'id';

const operatorsOf: Record<RuleFieldKind, readonly Operator[]> = {
  text: ['equals', 'in', 'contains', 'is_set', 'is_empty'],
  list: ['contains', 'in', 'is_set', 'is_empty'],
  number: ['equals', 'gte', 'lte', 'is_set', 'is_empty'],
  date: ['equals', 'gte', 'lte', 'is_set', 'is_empty'],
  boolean: ['equals', 'is_set', 'is_empty'],
  choice: ['equals', 'in', 'is_set', 'is_empty'],
  multi: ['contains', 'in', 'is_set', 'is_empty'],
  id: ['equals', 'in', 'is_set', 'is_empty'],
};

export interface RuleField {
  key: string;
  label: string;
  kind: RuleFieldKind;
  options: readonly string[] | null;
}

const builtinKinds: Record<string, RuleFieldKind> = {
  text: 'text',
  'text[]': 'list',
  numeric: 'number',
  integer: 'number',
  date: 'date',
  uuid: 'id',
};

/** Built-in fields a rule may test: import, filter or report fields of a comparable type, kept on the lead. */
export const builtinRuleFields: readonly RuleField[] = leadFields
  .filter((f) => !f.from && f.key !== 'id' && (f.import || f.filter || f.report) && f.type in builtinKinds)
  .map((f) => ({ key: f.key, label: f.label, kind: builtinKinds[f.type] as RuleFieldKind, options: null }));

const customKinds: Record<string, RuleFieldKind> = {
  text: 'text',
  number: 'number',
  boolean: 'boolean',
  date: 'date',
  select: 'choice',
  multi_select: 'multi',
  user: 'id',
};

/** The fields a rule may test in a company: the built-in ones and its active custom fields. */
export function ruleFields(custom: readonly { key: string; label: string; type: string; options: string[] }[]) {
  const out = new Map<string, RuleField>(builtinRuleFields.map((f) => [f.key, f]));
  for (const c of custom) {
    const kind = customKinds[c.type];
    if (!kind) continue;
    out.set(`customFields.${c.key}`, {
      key: `customFields.${c.key}`,
      label: c.label,
      kind,
      options: kind === 'choice' || kind === 'multi' ? c.options : null,
    });
  }
  return out;
}

/** The behaviours a rule may give points for. */
export const behaviours = [
  { key: 'whatsapp_replied', label: 'Replied on WhatsApp', takesWindow: true },
  { key: 'email_opened', label: 'Opened an email', takesWindow: true },
  { key: 'email_clicked', label: 'Clicked a link in an email', takesWindow: true },
  { key: 'call_logged', label: 'A call was logged', takesWindow: true },
  { key: 'meeting_held', label: 'A meeting or demo was held', takesWindow: true },
  { key: 'followup_done', label: 'A follow-up was done', takesWindow: true },
  { key: 'no_touch_days', label: 'Not touched for a number of days (windowDays)', takesWindow: true },
] as const;
export type BehaviourKey = (typeof behaviours)[number]['key'];
const behaviourKeys = new Set<string>(behaviours.map((b) => b.key));

export interface RuleSpec {
  kind: 'field' | 'behaviour';
  field: string | null;
  operator: Operator | null;
  value: unknown;
  behaviour: string | null;
  windowDays: number | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: unknown) => typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(v));

/** Why a single value does not fit the field, or null. */
function scalarProblem(field: RuleField, value: unknown, operator: Operator): string | null {
  switch (field.kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'date':
      return isDate(value) ? null : 'must be a date (YYYY-MM-DD)';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'id':
      return typeof value === 'string' && isUuid(value) ? null : 'must be an id';
    case 'choice':
    case 'multi':
      return typeof value === 'string' && field.options?.includes(value)
        ? null
        : `must be one of: ${(field.options ?? []).join(', ')}`;
    default:
      if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
        return 'must be text of 1 to 200 characters';
      }
      return operator === 'contains' || value.trim() === value ? null : 'must not start or end with spaces';
  }
}

/** Field errors of a rule (paths name the body's fields); empty when the rule is sound. */
export function checkRule(rule: RuleSpec, fields: Map<string, RuleField>): FieldError[] {
  const errors: FieldError[] = [];
  if (rule.kind === 'behaviour') {
    if (rule.field !== null) errors.push({ path: 'field', message: 'must be null for a behaviour rule' });
    if (rule.behaviour === null || !behaviourKeys.has(rule.behaviour)) {
      errors.push({ path: 'behaviour', message: `must be one of: ${[...behaviourKeys].join(', ')}` });
      return errors;
    }
    if (rule.behaviour === 'no_touch_days') {
      if (rule.windowDays === null) errors.push({ path: 'windowDays', message: 'is required: the days without touch' });
      if (rule.operator !== null) errors.push({ path: 'operator', message: 'must be null for no_touch_days' });
      if (rule.value !== null) errors.push({ path: 'value', message: 'must be null for no_touch_days' });
    } else if (rule.operator !== null && rule.operator !== 'gte') {
      errors.push({ path: 'operator', message: 'must be null (at least once) or gte (at least `value` times)' });
    } else if (rule.operator === 'gte') {
      if (!(Number.isInteger(rule.value) && (rule.value as number) >= 1 && (rule.value as number) <= 1000)) {
        errors.push({ path: 'value', message: 'must be a whole number from 1 to 1000 (how many times)' });
      }
    } else if (rule.value !== null) errors.push({ path: 'value', message: 'must be null unless operator is gte' });
    return errors;
  }
  if (rule.behaviour !== null) errors.push({ path: 'behaviour', message: 'must be null for a field rule' });
  if (rule.windowDays !== null) errors.push({ path: 'windowDays', message: 'must be null for a field rule' });
  const field = rule.field === null ? undefined : fields.get(rule.field);
  if (!field) {
    errors.push({ path: 'field', message: 'is not a lead field a rule can test' });
    return errors;
  }
  const allowed = operatorsOf[field.kind];
  if (rule.operator === null || !allowed.includes(rule.operator)) {
    errors.push({ path: 'operator', message: `must be one of ${allowed.join(', ')} for ${field.key}` });
    return errors;
  }
  if (rule.operator === 'is_set' || rule.operator === 'is_empty') {
    if (rule.value !== null) errors.push({ path: 'value', message: `must be null for ${rule.operator}` });
  } else if (rule.operator === 'in') {
    if (!Array.isArray(rule.value) || rule.value.length === 0 || rule.value.length > 100) {
      errors.push({ path: 'value', message: 'must be a list of 1 to 100 values' });
    } else {
      for (const [i, v] of rule.value.entries()) {
        const problem = scalarProblem(field.kind === 'list' ? { ...field, kind: 'text' } : field, v, 'in');
        if (problem) errors.push({ path: `value.${i}`, message: problem });
      }
    }
  } else if (rule.operator === 'contains' && (field.kind === 'text' || field.kind === 'list')) {
    const problem = scalarProblem({ ...field, kind: 'text' }, rule.value, 'contains');
    if (problem) errors.push({ path: 'value', message: problem });
  } else {
    const problem = scalarProblem(field, rule.value, rule.operator);
    if (problem) errors.push({ path: 'value', message: problem });
  }
  return errors;
}

/** A field's value in API terms, from a lead's values (`customFields.<key>` reads inside customFields). */
export function fieldValue(values: Record<string, unknown>, key: string): unknown {
  if (key.startsWith('customFields.')) {
    return (values.customFields as Record<string, unknown> | undefined)?.[key.slice('customFields.'.length)] ?? null;
  }
  return values[key] ?? null;
}

const fold = (v: unknown) => String(v).trim().toLowerCase();
const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** Whether a field rule holds for a value. */
export function fieldMatches(operator: Operator, expected: unknown, actual: unknown): boolean {
  if (operator === 'is_set') return !isEmpty(actual);
  if (operator === 'is_empty') return isEmpty(actual);
  if (isEmpty(actual)) return false;
  if (Array.isArray(actual)) {
    const have = new Set(actual.map(fold));
    if (operator === 'contains') return have.has(fold(expected));
    if (operator === 'in') return (expected as unknown[]).some((v) => have.has(fold(v)));
    return false;
  }
  switch (operator) {
    case 'equals':
      return typeof actual === 'string' ? fold(actual) === fold(expected) : actual === expected;
    case 'in':
      return (expected as unknown[]).some((v) =>
        typeof actual === 'string' ? fold(actual) === fold(v) : actual === v,
      );
    case 'contains':
      return fold(actual).includes(fold(expected));
    case 'gte':
      return typeof actual === 'number' ? actual >= (expected as number) : String(actual) >= String(expected);
    case 'lte':
      return typeof actual === 'number' ? actual <= (expected as number) : String(actual) <= String(expected);
    default:
      return false;
  }
}

const DAY_MS = 86_400_000;

export interface ScoredRule extends RuleSpec {
  id: string;
  label: string;
  points: number;
}

export interface Reason {
  label: string;
  points: number;
  field: string | null;
}

/** What the rules know of a lead: its values, its signals, and when it was last touched. */
export interface RuleFacts {
  values: Record<string, unknown>;
  signals: Signals;
  lastTouchedAt: number;
}

/** Whether a rule holds for a lead at `now`. */
export function ruleMatches(rule: ScoredRule, facts: RuleFacts, now: number): boolean {
  if (rule.kind === 'field') {
    return (
      rule.field !== null &&
      rule.operator !== null &&
      fieldMatches(rule.operator, rule.value, fieldValue(facts.values, rule.field))
    );
  }
  if (rule.behaviour === 'no_touch_days') {
    return rule.windowDays !== null && now - facts.lastTouchedAt >= rule.windowDays * DAY_MS;
  }
  const times = facts.signals[rule.behaviour as Exclude<BehaviourKey, 'no_touch_days'>] ?? [];
  const from = rule.windowDays === null ? null : now - rule.windowDays * DAY_MS;
  const needed = rule.operator === 'gte' ? (rule.value as number) : 1;
  return countBetween(times, from, now) >= needed;
}

/** The rules' score of a lead: the matching rules' points summed and clamped to 0..100, reasons biggest first. */
export function rulesScore(rules: readonly ScoredRule[], facts: RuleFacts, now: number) {
  const reasons: Reason[] = [];
  let sum = 0;
  for (const rule of rules) {
    if (!ruleMatches(rule, facts, now)) continue;
    sum += rule.points;
    reasons.push({ label: rule.label, points: rule.points, field: rule.kind === 'field' ? rule.field : null });
  }
  reasons.sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
  return { score: Math.max(0, Math.min(100, sum)), reasons };
}

export type Tier = 'hot' | 'warm' | 'cold';
export function tierOf(score: number, settings: { hotFrom: number; warmFrom: number }): Tier {
  return score >= settings.hotFrom ? 'hot' : score >= settings.warmFrom ? 'warm' : 'cold';
}
