import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { decide, decideAmong, type EvaluatedRule, evaluateRule } from './assignment.engine.ts';
import * as repo from './assignment.repository.ts';
import type { ConditionInput, CreateRuleInput, TestRuleInput, UpdateRuleInput } from './assignment.schemas.ts';
import { checkRule, type RuleDraft } from './assignment.validation.ts';

type RuleRow = repo.RuleRow;

function toDraft(row: RuleRow): RuleDraft {
  return {
    name: row.name,
    isDefault: row.is_default,
    conditions: (row.conditions ?? []) as ConditionInput[],
    strategy: row.strategy,
    userIds: row.user_ids,
    weights: row.weights,
    slaMinutes: row.sla_minutes,
  };
}

function snapshot(row: RuleRow): Record<string, unknown> {
  return { ...toDraft(row), active: row.active, position: row.position };
}

async function toRules(trx: Parameters<typeof repo.usersByIds>[0], rows: RuleRow[]) {
  const users = await repo.usersByIds(trx, [...new Set(rows.flatMap((r) => r.user_ids))]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    position: r.position,
    active: r.active,
    isDefault: r.is_default,
    conditions: (r.conditions ?? []) as ConditionInput[],
    strategy: r.strategy,
    userIds: r.user_ids,
    weights: r.weights,
    users: r.user_ids.map((id) => {
      const user = users.find((u) => u.id === id);
      return { id, name: user?.name ?? 'Unknown user', active: user?.active ?? false };
    }),
    slaMinutes: r.sla_minutes,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}

export type RuleDto = Awaited<ReturnType<typeof toRules>>[number];

export async function listRules(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({
    data: await toRules(trx, await repo.listRules(trx)),
  }));
}

export async function getRule(deps: Deps, ctx: RequestContext, id: string): Promise<RuleDto> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findRule(trx, id);
    if (!row) throw notFound('assignment rule');
    return (await toRules(trx, [row]))[0] as RuleDto;
  });
}

export async function createRule(deps: Deps, ctx: RequestContext, body: CreateRuleInput): Promise<RuleDto> {
  return withTenant(deps.db, ctx.actor.companyId, (trx) => createRuleIn(trx, deps, ctx, body));
}

/** The rules in evaluation order, inside the caller's transaction (for other modules, through index.ts). */
export async function listRulesIn(trx: Tx): Promise<RuleDto[]> {
  return toRules(trx, await repo.listRules(trx));
}

/**
 * Creates a rule as an admin would (the same checks, the same audit row), inside the caller's transaction.
 * `place` (1 = first) puts it at that place in the evaluation order, before the rule that held it; without it the
 * rule goes last, before the default.
 */
export async function createRuleIn(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  body: CreateRuleInput,
  options: { place?: number } = {},
): Promise<RuleDto> {
  const draft: RuleDraft = {
    name: body.name.trim(),
    isDefault: body.isDefault ?? false,
    conditions: body.conditions ?? [],
    strategy: body.strategy,
    userIds: body.userIds,
    weights: body.weights ?? [],
    slaMinutes: body.slaMinutes ?? null,
  };
  await checkRule(trx, draft, { ruleId: null });
  const id = newId();
  await repo.insertRule(trx, {
    company_id: ctx.actor.companyId,
    id,
    name: draft.name,
    active: body.active ?? true,
    is_default: draft.isDefault,
    conditions: draft.conditions,
    strategy: draft.strategy,
    user_ids: draft.userIds,
    weights: draft.weights,
    sla_minutes: draft.slaMinutes,
    position: await repo.nextPosition(trx),
    now: deps.clock.now(),
  });
  if (options.place !== undefined && !draft.isDefault) {
    const ordered = (await repo.listRules(trx)).filter((r) => !r.is_default && r.id !== id).map((r) => r.id);
    ordered.splice(Math.min(Math.max(options.place - 1, 0), ordered.length), 0, id);
    await repo.setPositions(trx, ordered);
    const fallback = await repo.findDefaultRule(trx);
    if (fallback) await repo.setPositions(trx, [fallback.id], ordered.length);
  }
  const row = await repo.findRule(trx, id);
  if (!row) throw notFound('assignment rule');
  await recordAudit(trx, ctx, {
    action: 'assignment_rule.created',
    entityType: 'assignment_rule',
    entityId: id,
    after: snapshot(row),
  });
  return (await toRules(trx, [row]))[0] as RuleDto;
}

export async function updateRule(deps: Deps, ctx: RequestContext, id: string, body: UpdateRuleInput): Promise<RuleDto> {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await repo.findRule(trx, id, { lock: true });
    if (!before) throw notFound('assignment rule');
    const current = toDraft(before);
    const strategy = body.strategy ?? current.strategy;
    const draft: RuleDraft = {
      name: body.name?.trim() ?? current.name,
      isDefault: body.isDefault ?? current.isDefault,
      conditions: body.conditions ?? current.conditions,
      strategy,
      userIds: body.userIds ?? current.userIds,
      // Leaving the weighted strategy drops its weights unless the caller sends some (which is then an error).
      weights: body.weights ?? (strategy === 'weighted' ? current.weights : []),
      slaMinutes: body.slaMinutes === undefined ? current.slaMinutes : body.slaMinutes,
    };
    await checkRule(trx, draft, { ruleId: id });
    const rotationChanged =
      draft.strategy !== current.strategy ||
      JSON.stringify(draft.userIds) !== JSON.stringify(current.userIds) ||
      JSON.stringify(draft.weights) !== JSON.stringify(current.weights);
    await repo.updateRule(
      trx,
      id,
      {
        name: draft.name,
        active: body.active ?? before.active,
        is_default: draft.isDefault,
        conditions: draft.conditions,
        strategy: draft.strategy,
        user_ids: draft.userIds,
        weights: draft.weights,
        sla_minutes: draft.slaMinutes,
        // A rotation over other people starts afresh; one that leaves the default goes to the end of the list.
        ...(rotationChanged ? { state: {} } : {}),
        ...(before.is_default && !draft.isDefault ? { position: await repo.nextPosition(trx) } : {}),
      },
      deps.clock.now(),
    );
    const after = await repo.findRule(trx, id);
    if (!after) throw notFound('assignment rule');
    await recordAudit(trx, ctx, {
      action: 'assignment_rule.updated',
      entityType: 'assignment_rule',
      entityId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return (await toRules(trx, [after]))[0] as RuleDto;
  });
}

export async function deleteRule(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await repo.findRule(trx, id, { lock: true });
    if (!before) throw notFound('assignment rule');
    // Past assignments keep the rule's id and name in their why; pending SLA checks find no rule and hold.
    await repo.deleteRule(trx, id);
    await recordAudit(trx, ctx, {
      action: 'assignment_rule.deleted',
      entityType: 'assignment_rule',
      entityId: id,
      before: snapshot(before),
    });
  });
}

/** Sets the order of evaluation: every rule but the default, each once; the default stays last. */
export async function reorderRules(deps: Deps, ctx: RequestContext, ids: string[]) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const rules = await repo.listRules(trx);
    const ordered = rules.filter((r) => !r.is_default);
    const fallback = rules.find((r) => r.is_default);
    const given = fallback && ids.at(-1) === fallback.id ? ids.slice(0, -1) : ids;
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    for (const [i, id] of given.entries()) {
      if (seen.has(id)) errors.push({ path: `ids.${i}`, message: 'is listed twice' });
      else if (id === fallback?.id) errors.push({ path: `ids.${i}`, message: 'is the default rule, which stays last' });
      else if (!ordered.some((r) => r.id === id)) errors.push({ path: `ids.${i}`, message: 'is not a rule of yours' });
      seen.add(id);
    }
    const left = ordered.filter((r) => !seen.has(r.id));
    if (errors.length === 0 && left.length > 0) {
      errors.push({ path: 'ids', message: `must list every rule; missing: ${left.map((r) => r.name).join(', ')}` });
    }
    if (errors.length > 0) {
      throw new AppError('unprocessable', errors.map((e) => `${e.path} ${e.message}`).join('; '), { errors });
    }
    await repo.setPositions(trx, given);
    if (fallback) await repo.setPositions(trx, [fallback.id], given.length);
    await recordAudit(trx, ctx, {
      action: 'assignment_rule.reordered',
      entityType: 'assignment_rule',
      entityId: null,
      before: { order: ordered.map((r) => r.id) },
      after: { order: given },
    });
    return { data: await toRules(trx, await repo.listRules(trx)) };
  });
}

function sampleLead(lead: TestRuleInput['lead']): Record<string, unknown> {
  return { emails: [], phones: [], tags: [], customFields: {}, stage: 'new', ...lead };
}

/**
 * "Test this rule on a sample lead": a draft rule, a stored one, or the whole list, with each rule's
 * conditions and the candidates it would consider. Writes nothing: no rotation moves, nothing is recorded.
 */
export async function testRule(deps: Deps, ctx: RequestContext, body: TestRuleInput) {
  if (body.rule && body.ruleId) {
    throw new AppError('validation_failed', 'Give a draft rule or a ruleId, not both', {
      errors: [{ path: 'ruleId', message: 'give rule or ruleId, not both' }],
    });
  }
  const lead = sampleLead(body.lead);
  const now = deps.clock.now();
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    let single: EvaluatedRule | null = null;
    if (body.rule) {
      const draft = body.rule;
      const checked: RuleDraft = {
        name: draft.name,
        isDefault: draft.isDefault ?? false,
        conditions: draft.conditions ?? [],
        strategy: draft.strategy,
        userIds: draft.userIds,
        weights: draft.weights ?? [],
        slaMinutes: draft.slaMinutes ?? null,
      };
      await checkRule(trx, checked, { ruleId: null, base: 'rule', preview: true });
      single = {
        id: null,
        name: checked.name,
        is_default: checked.isDefault,
        conditions: checked.conditions,
        strategy: checked.strategy,
        user_ids: checked.userIds,
        weights: checked.weights,
        sla_minutes: checked.slaMinutes,
        state: {},
      };
    } else if (body.ruleId) {
      const row = await repo.findRule(trx, body.ruleId);
      if (!row) throw notFound('assignment rule');
      single = row;
    }
    if (!single) return decide(trx, lead, now, { preview: true });
    const evaluation = evaluateRule(single, lead);
    const decision = evaluation.matched
      ? await decideAmong(trx, single, null, now, { preview: true })
      : {
          ownerId: null,
          ownerName: null,
          reason: 'unassigned' as const,
          ruleId: single.id,
          ruleName: single.name,
          strategy: single.strategy,
          slaMinutes: null,
          candidates: [],
          detail: `The lead does not meet the conditions of rule "${single.name}"`,
        };
    return { evaluated: [evaluation], decision };
  });
}
