import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, fieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { keyFrom } from '../../lib/keys.ts';
import { recordAudit } from '../audit/index.ts';
import { activeCustomFields, controlledFields } from '../leads/index.ts';

import * as repo from './pipeline.repository.ts';

export type StageKind = 'open' | 'won' | 'lost';

/** A pipeline has room for this many stages; more would not fit a board. */
const MAX_STAGES = 30;

export function toStage(row: repo.StageRow) {
  return {
    key: row.key,
    name: row.name,
    position: row.position,
    kind: row.kind as StageKind,
    requiredFields: row.required_fields,
    // The admin's win probability for the weighted forecast; null: learnt from the stage's history.
    probability: row.probability === null ? null : Number(row.probability),
  };
}

/** The audit log redacts anything called `key` (API keys), so the stage's key is kept as `stageKey`. */
function snapshot(row: repo.StageRow) {
  const { key, ...rest } = toStage(row);
  return { stageKey: key, ...rest };
}

export async function listStages(deps: Deps, ctx: RequestContext) {
  const rows = await withTenant(deps.db, ctx.actor.companyId, (trx) => repo.listStages(trx));
  return { data: rows.map(toStage) };
}

/**
 * A stage may require lead fields a person fills in when moving a lead there: any controlled field, `name`, or
 * `customFields.<key>` of an active custom field. Unknown entries are 400s naming `requiredFields.N`;
 * repeats are dropped.
 */
async function checkRequiredFields(trx: Tx, fields: string[]): Promise<string[]> {
  const customKeys = new Set((await activeCustomFields(trx)).map((f) => f.key));
  const errors: FieldError[] = [];
  const result: string[] = [];
  fields.forEach((raw, i) => {
    const field = raw.trim();
    const path = `requiredFields.${i}`;
    if (field === 'customFields') {
      errors.push({ path, message: 'name one custom field, as customFields.<key>' });
    } else if (field.startsWith('customFields.')) {
      if (!customKeys.has(field.slice('customFields.'.length))) {
        errors.push({ path, message: `${field} is not an active custom field` });
      } else if (!result.includes(field)) result.push(field);
    } else if (field !== 'name' && !(controlledFields as readonly string[]).includes(field)) {
      errors.push({ path, message: `${field} is not a lead field` });
    } else if (!result.includes(field)) result.push(field);
  });
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return result;
}

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw fieldError('validation_failed', 'name', 'must not be blank');
  return trimmed;
}

async function audit(
  trx: Tx,
  ctx: RequestContext,
  action: string,
  before: repo.StageRow | null,
  after: repo.StageRow | null,
) {
  const id = (after ?? before)?.id ?? null;
  await recordAudit(trx, ctx, {
    action,
    entityType: 'pipeline_stage',
    entityId: id,
    before: before ? snapshot(before) : null,
    after: after ? snapshot(after) : null,
  });
}

async function stageOrNotFound(trx: Tx, key: string): Promise<repo.StageRow> {
  const row = await repo.findStage(trx, key);
  if (!row) throw notFound('pipeline stage');
  return row;
}

export interface CreateStageInput {
  name: string;
  key?: string;
  kind?: StageKind;
  requiredFields?: string[];
  position?: number;
}

/** A new stage goes where asked; without a position an open stage joins the open ones, won/lost go last. */
export async function createStage(deps: Deps, ctx: RequestContext, input: CreateStageInput) {
  const name = cleanName(input.name);
  const key = input.key ?? keyFrom(name, 'stage');
  if (!key) throw fieldError('validation_failed', 'key', 'cannot be derived from the name; give a key');
  const kind = input.kind ?? 'open';
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const stages = await repo.lockStages(trx);
    if (stages.some((s) => s.key === key)) {
      throw fieldError('conflict', 'key', `a stage with the key ${key} already exists`);
    }
    if (stages.length >= MAX_STAGES) {
      throw new AppError('unprocessable', `A pipeline has at most ${MAX_STAGES} stages`);
    }
    const requiredFields = await checkRequiredFields(trx, input.requiredFields ?? []);
    const lastOpen = stages.findLastIndex((s) => s.kind === 'open');
    const position = Math.min(input.position ?? (kind === 'open' ? lastOpen + 1 : stages.length), stages.length);
    const now = deps.clock.now();
    await repo.insertStage(trx, {
      company_id: ctx.actor.companyId,
      id: newId(),
      key,
      name,
      position,
      kind,
      required_fields: requiredFields,
      now,
    });
    const order = stages.map((s) => s.key);
    order.splice(position, 0, key);
    await repo.setPositions(trx, order, now);
    const created = await stageOrNotFound(trx, key);
    await audit(trx, ctx, 'pipeline_stage.created', null, created);
    return toStage(created);
  });
}

/** The last won stage and the last lost stage stay: closing a lead needs both. */
function checkKeepsClosingStages(stages: repo.StageRow[], stage: repo.StageRow, path: string, verb: string) {
  if (stage.kind === 'open') return;
  if (stages.filter((s) => s.kind === stage.kind).length === 1) {
    throw fieldError(
      'unprocessable',
      path,
      `${stage.name} is the only ${stage.kind} stage; a pipeline needs one, so it cannot be ${verb}`,
    );
  }
}

export interface UpdateStageInput {
  name?: string;
  kind?: StageKind;
  requiredFields?: string[];
  probability?: number | null;
}

export async function updateStage(deps: Deps, ctx: RequestContext, key: string, input: UpdateStageInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const stages = await repo.lockStages(trx);
    const before = stages.find((s) => s.key === key);
    if (!before) throw notFound('pipeline stage');
    const changes: { name?: string; kind?: string; required_fields?: string[]; probability?: string | null } = {};
    if (input.probability !== undefined) {
      changes.probability = input.probability === null ? null : input.probability.toFixed(4);
    }
    if (input.name !== undefined) changes.name = cleanName(input.name);
    if (input.kind !== undefined && input.kind !== before.kind) {
      checkKeepsClosingStages(stages, before, 'kind', `made ${input.kind}`);
      changes.kind = input.kind;
    }
    if (input.requiredFields !== undefined)
      changes.required_fields = await checkRequiredFields(trx, input.requiredFields);
    const changed =
      (changes.name !== undefined && changes.name !== before.name) ||
      changes.kind !== undefined ||
      (changes.probability !== undefined && changes.probability !== before.probability) ||
      (changes.required_fields !== undefined &&
        JSON.stringify(changes.required_fields) !== JSON.stringify(before.required_fields));
    if (!changed) return toStage(before);
    await repo.updateStage(trx, key, changes, deps.clock.now());
    const after = await stageOrNotFound(trx, key);
    await audit(trx, ctx, 'pipeline_stage.updated', before, after);
    return toStage(after);
  });
}

/** The board's column order: the body lists every stage key exactly once. */
export async function reorderStages(deps: Deps, ctx: RequestContext, keys: string[]) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const stages = await repo.lockStages(trx);
    const known = new Set(stages.map((s) => s.key));
    const errors: FieldError[] = [];
    keys.forEach((key, i) => {
      if (!known.has(key)) errors.push({ path: `keys.${i}`, message: `${key} is not a stage of this pipeline` });
      else if (keys.indexOf(key) !== i) errors.push({ path: `keys.${i}`, message: `${key} is listed twice` });
    });
    const missing = stages.filter((s) => !keys.includes(s.key)).map((s) => s.key);
    if (missing.length > 0)
      errors.push({ path: 'keys', message: `must list every stage; missing: ${missing.join(', ')}` });
    if (errors.length > 0) {
      throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
    }
    const current = stages.map((s) => s.key);
    if (JSON.stringify(current) !== JSON.stringify(keys)) {
      await repo.setPositions(trx, keys, deps.clock.now());
      await recordAudit(trx, ctx, {
        action: 'pipeline_stage.reordered',
        entityType: 'pipeline_stage',
        entityId: null,
        before: { order: current },
        after: { order: keys },
      });
    }
    return { data: (await repo.listStages(trx)).map(toStage) };
  });
}

/** Only an empty stage can go, and never the last won or lost stage. */
export async function deleteStage(deps: Deps, ctx: RequestContext, key: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const stages = await repo.lockStages(trx);
    const stage = stages.find((s) => s.key === key);
    if (!stage) throw notFound('pipeline stage');
    checkKeepsClosingStages(stages, stage, 'key', 'deleted');
    const leads = await repo.countLeadsInStage(trx, key);
    if (leads > 0) {
      throw new AppError(
        'unprocessable',
        `${leads} ${leads === 1 ? 'lead is' : 'leads are'} in ${stage.name}; move ${leads === 1 ? 'it' : 'them'} to another stage first`,
        { errors: [{ path: 'key', message: `${leads} leads are in this stage` }], extra: { leadCount: leads } },
      );
    }
    await repo.deleteStage(trx, key);
    await repo.setPositions(
      trx,
      stages.filter((s) => s.key !== key).map((s) => s.key),
      deps.clock.now(),
    );
    await audit(trx, ctx, 'pipeline_stage.deleted', stage, null);
  });
}
