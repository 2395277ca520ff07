import type { Tx } from '../../db/client.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { checkConditions } from './assignment.conditions.ts';
import * as repo from './assignment.repository.ts';
import type { ConditionInput } from './assignment.schemas.ts';

/** A rule as it will be stored, whether created, edited or drafted for a preview. */
export interface RuleDraft {
  name: string;
  isDefault: boolean;
  conditions: ConditionInput[];
  strategy: string;
  userIds: string[];
  weights: number[];
  slaMinutes: number | null;
}

const at = (base: string, field: string) => (base ? `${base}.${field}` : field);

/**
 * Checks a rule completely: its shape (400 naming the field), then what it refers to (422): the users are
 * active salespeople of this company (owners are salespeople), the custom fields exist, one default only.
 */
export async function checkRule(
  trx: Tx,
  draft: RuleDraft,
  options: { ruleId: string | null; base?: string; preview?: boolean },
) {
  const base = options.base ?? '';
  const shape: FieldError[] = [];
  if (draft.strategy === 'user' && draft.userIds.length !== 1) {
    shape.push({ path: at(base, 'userIds'), message: 'the user strategy takes exactly one user' });
  }
  const seen = new Set<string>();
  for (const [i, id] of draft.userIds.entries()) {
    if (seen.has(id)) shape.push({ path: at(base, `userIds.${i}`), message: 'is listed twice' });
    seen.add(id);
  }
  if (draft.strategy === 'weighted' && draft.weights.length !== draft.userIds.length) {
    shape.push({
      path: at(base, 'weights'),
      message: `needs one weight per user (${draft.userIds.length}), got ${draft.weights.length}`,
    });
  }
  if (draft.strategy !== 'weighted' && draft.weights.length > 0) {
    shape.push({ path: at(base, 'weights'), message: 'only the weighted strategy takes weights' });
  }
  if (draft.isDefault && draft.conditions.length > 0) {
    shape.push({
      path: at(base, 'conditions'),
      message: 'the default rule matches every lead; it takes no conditions',
    });
  }
  const custom = await repo.activeCustomFieldKinds(trx);
  const conditionErrors = checkConditions(draft.conditions, custom, at(base, 'conditions'));
  shape.push(...conditionErrors.shape);
  if (shape.length > 0) {
    throw new AppError('validation_failed', shape.map((e) => `${e.path} ${e.message}`).join('; '), { errors: shape });
  }

  const refs: FieldError[] = [...conditionErrors.missing];
  const users = await repo.usersByIds(trx, draft.userIds);
  for (const [i, id] of draft.userIds.entries()) {
    const user = users.find((u) => u.id === id);
    if (!user?.active) refs.push({ path: at(base, `userIds.${i}`), message: 'is not an active user of this company' });
    else if (user.role !== 'SALESPERSON') {
      refs.push({
        path: at(base, `userIds.${i}`),
        message: `must be a salesperson (leads are owned by salespeople), not a ${user.role.toLowerCase()}`,
      });
    }
  }
  if (draft.isDefault && !options.preview) {
    const current = await repo.findDefaultRule(trx);
    if (current && current.id !== options.ruleId) {
      refs.push({ path: at(base, 'isDefault'), message: `rule "${current.name}" is already the default` });
    }
  }
  if (refs.length > 0) {
    throw new AppError('unprocessable', refs.map((e) => `${e.path} ${e.message}`).join('; '), { errors: refs });
  }
}
