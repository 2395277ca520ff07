import { ApiError, errorMessage } from '../../../lib/problem';
import type { AssignmentRule, CreateRuleBody, RuleCondition, RuleStrategy, UpdateRuleBody } from '../settings.types';
import { isStrategy } from './strategies';

export interface ConditionDraft {
  uid: string;
  condition: RuleCondition;
}

export interface RuleDraft {
  name: string;
  active: boolean;
  isDefault: boolean;
  conditions: ConditionDraft[];
  strategy: RuleStrategy;
  userIds: string[];
  /** Weight by user id; kept when a person is removed and added back. */
  weights: Record<string, number>;
  slaMinutes: number | '';
}

let counter = 0;
export const newUid = () => `c${++counter}`;

export function newRuleDraft(isDefault = false): RuleDraft {
  return {
    name: isDefault ? 'Everyone else' : '',
    active: true,
    isDefault,
    conditions: [],
    strategy: 'round_robin',
    userIds: [],
    weights: {},
    slaMinutes: '',
  };
}

export function draftOfRule(rule: AssignmentRule): RuleDraft {
  return {
    name: rule.name,
    active: rule.active,
    isDefault: rule.isDefault,
    conditions: rule.conditions.map((condition) => ({ uid: newUid(), condition })),
    strategy: isStrategy(rule.strategy) ? rule.strategy : 'round_robin',
    userIds: rule.userIds,
    weights: Object.fromEntries(rule.userIds.map((id, i) => [id, rule.weights[i] ?? 1])),
    slaMinutes: rule.slaMinutes ?? '',
  };
}

export function ruleBody(draft: RuleDraft): CreateRuleBody {
  return {
    name: draft.name.trim(),
    active: draft.active,
    isDefault: draft.isDefault,
    conditions: draft.isDefault ? [] : draft.conditions.map((item) => item.condition),
    strategy: draft.strategy,
    userIds: draft.userIds,
    weights: draft.strategy === 'weighted' ? draft.userIds.map((id) => draft.weights[id] ?? 1) : [],
    slaMinutes: draft.slaMinutes === '' ? null : draft.slaMinutes,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Only what changed: an unchanged strategy, user list or weights must not restart the rotation. */
export function ruleChanges(rule: AssignmentRule, draft: RuleDraft): UpdateRuleBody {
  const body = ruleBody(draft);
  const changes: UpdateRuleBody = {};
  if (body.name !== rule.name) changes.name = body.name;
  if (body.active !== rule.active) changes.active = body.active;
  if (body.isDefault !== rule.isDefault) changes.isDefault = body.isDefault;
  if (!same(body.conditions, rule.conditions)) changes.conditions = body.conditions ?? [];
  if (body.strategy !== rule.strategy) changes.strategy = body.strategy;
  if (!same(body.userIds, rule.userIds)) changes.userIds = body.userIds;
  if (!same(body.weights, rule.weights)) changes.weights = body.weights ?? [];
  if ((body.slaMinutes ?? null) !== rule.slaMinutes) changes.slaMinutes = body.slaMinutes ?? null;
  return changes;
}

const ruleFields = ['name', 'isDefault', 'conditions', 'strategy', 'userIds', 'weights', 'slaMinutes'] as const;
export type RuleField = (typeof ruleFields)[number];
export const conditionParts = ['field', 'op', 'value', 'values', 'min', 'max'] as const;
export type ConditionPart = (typeof conditionParts)[number];

export interface RuleErrors {
  rule: Partial<Record<RuleField, string>>;
  conditions: Record<string, Partial<Record<ConditionPart, string>>>;
  general: string | null;
}

export const noRuleErrors: RuleErrors = { rule: {}, conditions: {}, general: null };

/** Places a problem's errors: `conditions.1.value` under that condition's value, `userIds.0` under the people. */
export function placeRuleErrors(error: unknown, conditions: readonly ConditionDraft[]): RuleErrors {
  const result: RuleErrors = { rule: {}, conditions: {}, general: null };
  const items = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  const unplaced: string[] = [];
  for (const item of items) {
    // A draft sent to the test route is named `rule.` there: its errors belong to the same fields.
    const parts = item.path
      .replace(/^\//, '')
      .replace(/^body[./]/, '')
      .replace(/^rule[./]/, '')
      .split(/[./]/);
    const [head, index, leaf] = parts;
    if (head === 'conditions' && index !== undefined && /^\d+$/.test(index)) {
      const row = conditions[Number(index)];
      const part: ConditionPart = (conditionParts as readonly string[]).includes(leaf ?? '')
        ? (leaf as ConditionPart)
        : 'value';
      if (row) {
        result.conditions[row.uid] = { ...result.conditions[row.uid], [part]: item.message };
        continue;
      }
    }
    if (head && (ruleFields as readonly string[]).includes(head)) {
      const field = head as RuleField;
      result.rule[field] ??= item.message;
      continue;
    }
    unplaced.push(item.message);
  }
  if (items.length === 0) result.general = errorMessage(error);
  else if (unplaced.length > 0) result.general = unplaced.join(' ');
  return result;
}

/** Conditions missing what their test needs, found before sending so every one is marked at once. */
export function checkConditionDrafts(conditions: readonly ConditionDraft[]): RuleErrors['conditions'] {
  const errors: RuleErrors['conditions'] = {};
  for (const { uid, condition } of conditions) {
    if (condition.op !== 'territory' && !condition.field) errors[uid] = { field: 'Choose a field' };
    else if ((condition.op === 'equals' || condition.op === 'contains') && condition.value === undefined) {
      errors[uid] = { value: 'Enter a value' };
    } else if ((condition.op === 'in' || condition.op === 'territory') && (condition.values ?? []).length === 0) {
      errors[uid] = { values: 'Add at least one value' };
    } else if (condition.op === 'range' && condition.min === undefined && condition.max === undefined) {
      errors[uid] = { min: 'Give a lowest or a highest value' };
    }
  }
  return errors;
}
