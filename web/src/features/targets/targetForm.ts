import type { paths } from '../../lib/api-types';
import type { FieldErrors } from '../../lib/forms';
import { ApiError, errorMessage } from '../../lib/problem';
import type { Target } from '../dashboard/dashboards.types';

/**
 * Targets' periods (a month `2026-12` or a quarter `2026-Q4`, as the API names them) and the form that sets one
 * target: its scope, its period and its figures, sent as one item of `PUT /targets`.
 */
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type SetTargetsBody = Json<paths['/api/v1/targets']['put']['requestBody']>;
export type TargetItem = SetTargetsBody['items'][number];
export type ScopeKind = TargetItem['scope']['kind'];
export type PeriodKind = 'month' | 'quarter';

export const scopeKinds: readonly ScopeKind[] = ['user', 'team', 'partner', 'territory'];
export const scopeLabels: Record<ScopeKind, { one: string; many: string }> = {
  user: { one: 'Person', many: 'People' },
  team: { one: 'Team', many: 'Teams' },
  partner: { one: 'Partner', many: 'Partners' },
  territory: { one: 'Territory', many: 'Territories' },
};

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;

export function periodKindOf(key: string): PeriodKind | null {
  if (MONTH.test(key)) return 'month';
  if (QUARTER.test(key)) return 'quarter';
  return null;
}

/** The month or quarter holding `day` (`YYYY-MM-DD`). */
export function periodOf(day: string, kind: PeriodKind): string {
  const month = Number(day.slice(5, 7));
  return kind === 'month' ? day.slice(0, 7) : `${day.slice(0, 4)}-Q${Math.floor((month - 1) / 3) + 1}`;
}

/** The period `by` months or quarters away. */
export function shiftPeriod(key: string, by: number): string {
  const month = MONTH.exec(key);
  if (month) {
    const index = Number(month[1]) * 12 + Number(month[2]) - 1 + by;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  }
  const quarter = QUARTER.exec(key);
  if (quarter) {
    const index = Number(quarter[1]) * 4 + Number(quarter[2]) - 1 + by;
    return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
  }
  return key;
}

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Dec 2026", "Q4 2026", as the API labels its periods. */
export function periodLabel(key: string): string {
  const month = MONTH.exec(key);
  if (month) return `${monthNames[Number(month[2]) - 1]} ${month[1]}`;
  const quarter = QUARTER.exec(key);
  if (quarter) return `Q${quarter[2]} ${quarter[1]}`;
  return key;
}

/** The month and the quarter a period stands for: a month and its quarter, or a quarter and its first month. */
export function monthAndQuarter(key: string): { month: string; quarter: string } {
  const quarter = QUARTER.exec(key);
  if (quarter)
    return { month: `${quarter[1]}-${String((Number(quarter[2]) - 1) * 3 + 1).padStart(2, '0')}`, quarter: key };
  return { month: key, quarter: periodOf(`${key}-01`, 'quarter') };
}

/** The periods a target can be set for from the form: this one, the next few and the last few. */
export function periodChoices(current: string, before = 3, after = 6): { value: string; label: string }[] {
  return Array.from({ length: before + after + 1 }, (_, i) => {
    const key = shiftPeriod(current, i - before);
    return { value: key, label: periodLabel(key) };
  });
}

export interface TargetDraft {
  kind: ScopeKind;
  key: string;
  period: string;
  wonValue: number | string;
  wonCount: number | string;
  newLeads: number | string;
  calls: number | string;
}

export const targetFields = ['kind', 'key', 'period', 'wonValue', 'wonCount', 'newLeads', 'calls'] as const;
export type TargetField = (typeof targetFields)[number];

export const targetFieldLabels: Partial<Record<TargetField, string>> = {
  period: 'Period',
  wonValue: 'Won value',
  wonCount: 'Won deals',
  newLeads: 'New leads',
  calls: 'Calls',
};

export function newTargetDraft(period: string, kind: ScopeKind = 'user'): TargetDraft {
  return { kind, key: '', period, wonValue: '', wonCount: '', newLeads: '', calls: '' };
}

export function targetDraftOf(target: Target): TargetDraft {
  return {
    kind: target.scope.kind,
    key: target.scope.key,
    period: target.period.key,
    wonValue: target.target.wonValue,
    wonCount: target.target.wonCount,
    newLeads: target.target.newLeads ?? '',
    calls: target.target.calls ?? '',
  };
}

const blank = (value: number | string) => value === '' || value === null || value === undefined;

/** A figure of the form as a number; `null` for a blank optional one; NaN for a figure that is no number. */
function figure(value: number | string): number | null {
  if (blank(value)) return null;
  const n = typeof value === 'number' ? value : Number(String(value).replace(/[\s,]/g, ''));
  return Number.isFinite(n) ? n : Number.NaN;
}

/** What the form can tell before asking; the server's answer places the rest on the same fields. */
export function checkTargetDraft(draft: TargetDraft): FieldErrors<TargetField> {
  const errors: FieldErrors<TargetField> = {};
  if (!draft.key.trim())
    errors.key =
      draft.kind === 'territory' ? 'Enter a territory' : `Choose a ${scopeLabels[draft.kind].one.toLowerCase()}`;
  if (!periodKindOf(draft.period)) errors.period = 'Choose a month or a quarter';
  const value = figure(draft.wonValue);
  if (value === null) errors.wonValue = 'Enter the value to win (0 for none)';
  else if (Number.isNaN(value) || value < 0) errors.wonValue = 'Enter an amount of 0 or more';
  else if (Math.round(value * 100) !== value * 100) errors.wonValue = 'At most two decimals';
  const count = figure(draft.wonCount);
  if (count === null) errors.wonCount = 'Enter the number of deals to win (0 for none)';
  for (const field of ['wonCount', 'newLeads', 'calls'] as const) {
    const n = figure(draft[field]);
    if (n !== null && !(Number.isInteger(n) && n >= 0)) errors[field] = 'Enter a whole number of 0 or more';
  }
  return errors;
}

/** The one item of `PUT /targets` the form sets (a blank optional figure: none). */
export function targetItem(draft: TargetDraft): TargetItem {
  return {
    scope: { kind: draft.kind, key: draft.key.trim() },
    period: draft.period,
    wonValue: figure(draft.wonValue) ?? 0,
    wonCount: figure(draft.wonCount) ?? 0,
    newLeads: figure(draft.newLeads),
    calls: figure(draft.calls),
  };
}

/**
 * The form field a problem's path names: `items.0.wonValue` is `wonValue`, `items.0.scope.key` the scope's
 * `key`, `items.0.scope.kind` its `kind`; anything else (the item itself, `items`) is the form's.
 */
export function targetFieldOf(path: string): TargetField | null {
  const parts = path
    .replace(/^\//, '')
    .replace(/^body[./]/, '')
    .split(/[./]/);
  if (parts[0] !== 'items' || parts.length < 3) return null;
  const rest = parts.slice(2);
  const name = rest[0] === 'scope' ? rest[1] : rest[0];
  return (targetFields as readonly string[]).includes(name ?? '') ? (name as TargetField) : null;
}

/** A failed `PUT /targets` split between the form's fields and the form itself. */
export function placeTargetErrors(error: unknown): { fieldErrors: FieldErrors<TargetField>; formError: string | null } {
  const fieldErrors: FieldErrors<TargetField> = {};
  const rest: string[] = [];
  if (error instanceof ApiError && error.problem.errors?.length) {
    for (const item of error.problem.errors) {
      const field = targetFieldOf(item.path);
      if (field && !fieldErrors[field]) {
        const label = targetFieldLabels[field];
        fieldErrors[field] = label && /^[a-z]/.test(item.message) ? `${label} ${item.message}` : item.message;
      } else rest.push(item.message);
    }
  }
  if (Object.keys(fieldErrors).length === 0) return { fieldErrors, formError: errorMessage(error) };
  return { fieldErrors, formError: rest.length > 0 ? rest.join(' ') : null };
}

const kindOrder = new Map(scopeKinds.map((kind, i) => [kind, i]));

/** Targets grouped by the kind of their scope (people, teams, partners, territories), each group by name. */
export function groupTargets(targets: readonly Target[]): [ScopeKind, Target[]][] {
  const groups = new Map<ScopeKind, Target[]>();
  for (const target of targets) groups.set(target.scope.kind, [...(groups.get(target.scope.kind) ?? []), target]);
  return [...groups.entries()]
    .sort((a, b) => (kindOrder.get(a[0]) ?? 9) - (kindOrder.get(b[0]) ?? 9))
    .map(([kind, list]) => [kind, [...list].sort((a, b) => a.scope.name.localeCompare(b.scope.name))]);
}

/** How many targets have reached their won value (or, without one, their won count). */
export function reachedCount(targets: readonly Target[]): number {
  return targets.filter((t) => {
    const main = t.target.wonValue > 0 ? t.progress.wonValue : t.progress.wonCount;
    return main !== null && main >= 1;
  }).length;
}

/**
 * The items that copy `previous` targets (another period's) into `period`: the whole target of each scope the
 * caller may set that has none in `period` yet.
 */
export function copyItems(
  previous: readonly Target[],
  current: readonly Target[],
  period: string,
  kinds: readonly ScopeKind[],
): TargetItem[] {
  const taken = new Set(current.map((t) => `${t.scope.kind}:${t.scope.key.toLowerCase()}`));
  return previous
    .filter((t) => kinds.includes(t.scope.kind) && !taken.has(`${t.scope.kind}:${t.scope.key.toLowerCase()}`))
    .map((t) => ({
      scope: { kind: t.scope.kind, key: t.scope.key },
      period,
      wonValue: t.target.wonValue,
      wonCount: t.target.wonCount,
      newLeads: t.target.newLeads,
      calls: t.target.calls,
    }));
}
