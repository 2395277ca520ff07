import { type Tx, withTenant } from '../../db/client.ts';
import type { Actor, Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { accessFieldOf, activeCustomFields, customAccess, fieldAccessFor, findVisibleLead } from '../leads/index.ts';
import { rescoreJob, trainJob } from './scoring.jobs.ts';
import * as repo from './scoring.repository.ts';
import { behaviours, checkRule, type Operator, type Reason, ruleFields } from './scoring.rules.ts';
import type { CreateRuleInput, ModelMetrics, SettingsInput, UpdateRuleInput } from './scoring.schemas.ts';

function invalid(errors: FieldError[]): never {
  throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

/** Queues a rescore of every live lead now, unless one is already waiting to start. */
export async function queueRescore(trx: Tx, now: Date): Promise<void> {
  const waiting = await trx
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', rescoreJob.kind)
    .where('done_at', 'is', null)
    .where('attempts', '=', 0)
    .where('locked_until', 'is', null)
    .where('payload', '@>', JSON.stringify({ after: null, changedOnly: false }) as never)
    .executeTakeFirst();
  if (!waiting) await enqueue(trx, rescoreJob, { after: null, changedOnly: false }, { runAt: now, now });
}

// ---- settings ----

export async function getSettings(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, (trx) => repo.getSettings(trx));
}

export async function putSettings(deps: Deps, ctx: RequestContext, body: SettingsInput) {
  if (body.warmFrom >= body.hotFrom) invalid([{ path: 'warmFrom', message: 'must be below hotFrom' }]);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    const before = await repo.getSettings(trx);
    await repo.putSettings(trx, body, now);
    await recordAudit(trx, ctx, {
      action: 'scoring.settings_updated',
      entityType: 'scoring_settings',
      entityId: null,
      before: { ...before },
      after: { ...body },
      at: now,
    });
    if (before.hotFrom !== body.hotFrom || before.warmFrom !== body.warmFrom) await queueRescore(trx, now);
    return repo.getSettings(trx);
  });
}

export function listBehaviours() {
  return { data: behaviours.map((b) => ({ key: b.key, label: b.label, takesWindow: b.takesWindow })) };
}

// ---- rules ----

function toRule(row: repo.RuleRow) {
  return {
    id: row.id,
    label: row.label,
    kind: row.kind as 'field' | 'behaviour',
    field: row.field,
    operator: row.operator as Operator | null,
    value: (row.value ?? null) as unknown,
    behaviour: row.behaviour,
    windowDays: row.window_days,
    points: row.points,
    active: row.active,
    position: row.position,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
type RuleDto = ReturnType<typeof toRule>;
const snapshot = (r: RuleDto) => {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = r;
  return { ...rest, value: rest.value === null ? null : JSON.stringify(rest.value) };
};

async function checked(trx: Tx, rule: Omit<RuleDto, 'id' | 'createdAt' | 'updatedAt'>): Promise<repo.RuleValues> {
  const errors: FieldError[] = [];
  if (rule.points === 0) errors.push({ path: 'points', message: 'must not be 0' });
  const custom = await activeCustomFields(trx);
  errors.push(
    ...checkRule(
      {
        kind: rule.kind,
        field: rule.field,
        operator: rule.operator,
        value: rule.value,
        behaviour: rule.behaviour,
        windowDays: rule.windowDays,
      },
      ruleFields(custom),
    ),
  );
  if (errors.length > 0) invalid(errors);
  return {
    label: rule.label.trim(),
    kind: rule.kind,
    field: rule.field,
    operator: rule.operator,
    value: rule.value,
    behaviour: rule.behaviour,
    window_days: rule.windowDays,
    points: rule.points,
    active: rule.active,
    position: rule.position,
  };
}

export async function listRules(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({ data: (await repo.listRules(trx)).map(toRule) }));
}

export async function createRule(deps: Deps, ctx: RequestContext, body: CreateRuleInput) {
  if (!body.label.trim()) invalid([{ path: 'label', message: 'must not be blank' }]);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    const values = await checked(trx, {
      label: body.label,
      kind: body.kind,
      field: body.field ?? null,
      operator: body.operator ?? null,
      value: body.value ?? null,
      behaviour: body.behaviour ?? null,
      windowDays: body.windowDays ?? null,
      points: body.points,
      active: body.active ?? true,
      position: body.position ?? (await repo.nextRulePosition(trx)),
    });
    const id = newId();
    await repo.insertRule(trx, id, values, ctx.actor.userId, now);
    const rule = toRule((await repo.findRule(trx, id)) as repo.RuleRow);
    await recordAudit(trx, ctx, {
      action: 'score_rule.created',
      entityType: 'score_rule',
      entityId: id,
      after: snapshot(rule),
      at: now,
    });
    await queueRescore(trx, now);
    return rule;
  });
}

export async function updateRule(deps: Deps, ctx: RequestContext, id: string, body: UpdateRuleInput) {
  if (body.label !== undefined && !body.label.trim()) invalid([{ path: 'label', message: 'must not be blank' }]);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findRule(trx, id, true);
    if (!row) throw notFound('score rule');
    const now = deps.clock.now();
    const before = toRule(row);
    const merged = { ...before, ...body };
    // Switching the kind clears what belongs to the other kind unless the body sets it.
    if (body.kind === 'behaviour' && body.field === undefined) merged.field = null;
    if (body.kind === 'field' && body.behaviour === undefined) {
      merged.behaviour = null;
      if (body.windowDays === undefined) merged.windowDays = null;
    }
    const values = await checked(trx, {
      ...merged,
      field: merged.field ?? null,
      operator: merged.operator ?? null,
      value: merged.value ?? null,
      behaviour: merged.behaviour ?? null,
      windowDays: merged.windowDays ?? null,
    });
    await repo.updateRule(trx, id, values, now);
    const rule = toRule((await repo.findRule(trx, id)) as repo.RuleRow);
    await recordAudit(trx, ctx, {
      action: 'score_rule.updated',
      entityType: 'score_rule',
      entityId: id,
      before: snapshot(before),
      after: snapshot(rule),
      at: now,
    });
    await queueRescore(trx, now);
    return rule;
  });
}

export async function deleteRule(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findRule(trx, id, true);
    if (!row) throw notFound('score rule');
    const now = deps.clock.now();
    await repo.deleteRule(trx, id);
    await recordAudit(trx, ctx, {
      action: 'score_rule.deleted',
      entityType: 'score_rule',
      entityId: id,
      before: snapshot(toRule(row)),
      at: now,
    });
    await queueRescore(trx, now);
  });
}

// ---- models ----

function toModel(row: repo.ModelRow) {
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  const spec = row.spec as { features?: { name: string; label: string; weight: number }[] } | null;
  const m = row.metrics as unknown as ModelMetrics | null;
  return {
    id: row.id,
    status: row.status as 'training' | 'candidate' | 'active' | 'retired' | 'failed',
    horizonDays: row.horizon_days,
    trainedAt: iso(row.trained_at),
    examples: row.examples,
    positives: row.positives,
    metrics: m
      ? {
          auc: m.auc,
          brier: m.brier,
          liftTop10: m.liftTop10,
          baseRate: m.baseRate,
          holdout: m.holdout,
          reliability: m.reliability,
          train: m.train,
        }
      : null,
    features: spec?.features ?? [],
    error: row.error,
    activatedAt: iso(row.activated_at),
    retiredAt: iso(row.retired_at),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function listModels(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => ({
    data: (await repo.listModels(trx)).map(toModel),
  }));
}

export async function getModel(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findModel(trx, id);
    if (!row) throw notFound('score model');
    return toModel(row);
  });
}

/** Starts training a model now (a job does the work): 202 with the model, `training`. */
export async function startTraining(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    const id = await beginTraining(trx, now, ctx.actor.userId);
    await recordAudit(trx, ctx, {
      action: 'score_model.training_started',
      entityType: 'score_model',
      entityId: id,
      at: now,
    });
    return { id, status: 'training' as const };
  });
}

/** A model row in `training` and the job that trains it. */
export async function beginTraining(trx: Tx, now: Date, by: string | null): Promise<string> {
  const settings = await repo.getSettings(trx);
  const id = newId();
  await repo.insertModel(trx, { id, horizonDays: settings.horizonDays, by, now });
  await enqueue(trx, trainJob, { modelId: id }, { runAt: now, now });
  return id;
}

export async function activateModel(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findModel(trx, id, true);
    if (!row) throw notFound('score model');
    if ((row.status !== 'candidate' && row.status !== 'retired') || row.metrics === null) {
      throw new AppError(
        'conflict',
        `A ${row.status} model cannot be switched on: only a trained candidate or a retired one`,
      );
    }
    const now = deps.clock.now();
    const current = await repo.activeModel(trx);
    if (current) {
      await repo.setModelStatus(trx, current.id, 'retired', now, null);
      await recordAudit(trx, ctx, {
        action: 'score_model.retired',
        entityType: 'score_model',
        entityId: current.id,
        before: { status: 'active' },
        after: { status: 'retired' },
        at: now,
      });
    }
    await repo.setModelStatus(trx, id, 'active', now, ctx.actor.userId);
    await recordAudit(trx, ctx, {
      action: 'score_model.activated',
      entityType: 'score_model',
      entityId: id,
      before: { status: row.status },
      after: { status: 'active' },
      at: now,
    });
    await queueRescore(trx, now);
    return toModel((await repo.findModel(trx, id)) as repo.ModelRow);
  });
}

export async function retireModel(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findModel(trx, id, true);
    if (!row) throw notFound('score model');
    if (row.status !== 'active' && row.status !== 'candidate') {
      throw new AppError('conflict', `A ${row.status} model cannot be retired: only the active one or a candidate`);
    }
    const now = deps.clock.now();
    await repo.setModelStatus(trx, id, 'retired', now, null);
    await recordAudit(trx, ctx, {
      action: 'score_model.retired',
      entityType: 'score_model',
      entityId: id,
      before: { status: row.status },
      after: { status: 'retired' },
      at: now,
    });
    if (row.status === 'active') await queueRescore(trx, now);
    return toModel((await repo.findModel(trx, id)) as repo.ModelRow);
  });
}

export async function status(deps: Deps, ctx: RequestContext) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const counts = await repo.closedCounts(trx, await repo.stageKinds(trx));
    const closed = counts.won + counts.lost;
    const active = await repo.activeModel(trx);
    const last = (await repo.rescoredAt(trx)) ?? (await repo.lastScoredAt(trx));
    return {
      closedLeads: closed,
      wonLeads: counts.won,
      lostLeads: counts.lost,
      threshold: { ...repo.THRESHOLD },
      canTrain:
        closed >= repo.THRESHOLD.closed && counts.won >= repo.THRESHOLD.won && counts.lost >= repo.THRESHOLD.lost,
      activeModelId: active?.id ?? null,
      lastScoredAt: last ? last.toISOString() : null,
    };
  });
}

export async function requestRescore(deps: Deps, ctx: RequestContext) {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const now = deps.clock.now();
    await queueRescore(trx, now);
  });
  return { status: 'queued' as const };
}

// ---- reading scores ----

/** Whether the actor's role sees the field a reason comes from (null: behaviour or age, always shown). */
function reasonFilter(access: Awaited<ReturnType<typeof fieldAccessFor>>) {
  return (reason: Reason) => {
    if (!reason.field) return true;
    if (reason.field.startsWith('customFields.')) {
      return (
        access.fields.customFields !== 'hidden' &&
        customAccess(access, reason.field.slice('customFields.'.length)) !== 'hidden'
      );
    }
    const controlled = accessFieldOf(reason.field);
    return controlled === null || access.fields[controlled] !== 'hidden';
  };
}

/**
 * The scores of some leads as an actor may read them: score, tier and the reasons, less those from fields its role
 * cannot see. For lists and exports: the caller has already limited `leadIds` to leads the actor sees.
 */
export async function scoreReasonsFor(
  trx: Tx,
  actor: Actor,
  leadIds: readonly string[],
): Promise<
  Map<string, { score: number; tier: 'hot' | 'warm' | 'cold'; reasons: { label: string; points: number }[] }>
> {
  const out = new Map<
    string,
    { score: number; tier: 'hot' | 'warm' | 'cold'; reasons: { label: string; points: number }[] }
  >();
  if (leadIds.length === 0) return out;
  const visible = reasonFilter(await fieldAccessFor(trx, actor.role));
  for (const row of await repo.scoresOf(trx, leadIds)) {
    out.set(row.lead_id, {
      score: row.score,
      tier: row.tier as 'hot' | 'warm' | 'cold',
      reasons: (row.reasons as unknown as Reason[]).filter(visible).map((r) => ({ label: r.label, points: r.points })),
    });
  }
  return out;
}

/** GET /leads/:id/score: a lead the caller sees (else 404), its score and the reasons its role may read. */
export async function leadScore(deps: Deps, ctx: RequestContext, leadId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const lead = await findVisibleLead(trx, ctx.actor, leadId);
    if (!lead) throw notFound('lead');
    const [row] = await repo.scoresOf(trx, [leadId]);
    if (!row) {
      return { score: null, tier: null, probability: null, source: null, modelId: null, scoredAt: null, reasons: [] };
    }
    const visible = reasonFilter(await fieldAccessFor(trx, ctx.actor.role));
    return {
      score: row.score,
      tier: row.tier as 'hot' | 'warm' | 'cold',
      probability: row.probability,
      source: row.source as 'rules' | 'model',
      modelId: row.model_id,
      scoredAt: new Date(row.scored_at).toISOString(),
      reasons: (row.reasons as unknown as Reason[])
        .filter(visible)
        .map((r) => ({ label: r.label, points: r.points, field: r.field ?? null })),
    };
  });
}

// ---- the demo company ----

type DemoRule = Pick<
  RuleDto,
  'label' | 'kind' | 'field' | 'operator' | 'value' | 'behaviour' | 'windowDays' | 'points'
>;
const field = (label: string, name: string, operator: Operator, value: unknown, points: number): DemoRule => ({
  label,
  kind: 'field',
  field: name,
  operator,
  value,
  behaviour: null,
  windowDays: null,
  points,
});
const behaviour = (label: string, key: string, windowDays: number, points: number): DemoRule => ({
  label,
  kind: 'behaviour',
  field: null,
  operator: null,
  value: null,
  behaviour: key,
  windowDays,
  points,
});

/** Rules a sales team might start with, so that the demo's leads have scores of every tier from the first day. */
const demoRules: DemoRule[] = [
  field('Came by referral or a partner', 'source', 'in', ['referral', 'partner'], 30),
  field('Came from the web form', 'source', 'equals', 'web_form', 15),
  field('A deal of ₹3 lakh or more', 'expectedValue', 'gte', 300_000, 25),
  field('Asked about CRM Growth or Enterprise', 'product', 'in', ['CRM Growth', 'CRM Enterprise'], 15),
  behaviour('A demo or meeting held lately', 'meeting_held', 60, 25),
  behaviour('Replied on WhatsApp lately', 'whatsapp_replied', 14, 20),
  behaviour('A call logged lately', 'call_logged', 30, 10),
  behaviour('Opened an email lately', 'email_opened', 30, 5),
  behaviour('Not touched for two weeks', 'no_touch_days', 14, -15),
];

/** The demo company's score rules (checked as the API checks them), written by its first admin. */
export async function seedDemoScoreRules(trx: Tx, adminId: string, now: Date): Promise<void> {
  for (const [position, rule] of demoRules.entries()) {
    const values = await checked(trx, { ...rule, active: true, position });
    await repo.insertRule(trx, newId(), values, adminId, now);
  }
}
