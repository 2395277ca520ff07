import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, fieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { keyFrom } from '../../lib/keys.ts';
import { recordAudit } from '../audit/index.ts';
import * as repo from './custom-fields.repository.ts';

export const customFieldTypes = ['text', 'number', 'date', 'select', 'multi_select', 'boolean', 'user'] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

/** More active fields than this would not fit a lead form. */
const MAX_ACTIVE_FIELDS = 100;

const hasOptions = (type: string) => type === 'select' || type === 'multi_select';

export function toCustomField(row: repo.CustomFieldRow) {
  return {
    key: row.key,
    label: row.label,
    type: row.type as CustomFieldType,
    options: row.options,
    required: row.required,
    position: row.position,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** The audit log redacts anything called `key` (API keys), so the field's key is kept as `fieldKey`. */
function snapshot(row: repo.CustomFieldRow) {
  const { key, createdAt: _c, updatedAt: _u, ...rest } = toCustomField(row);
  return { fieldKey: key, ...rest };
}

export async function listCustomFields(deps: Deps, ctx: RequestContext, query: { active?: boolean }) {
  const rows = await withTenant(deps.db, ctx.actor.companyId, (trx) => repo.listCustomFields(trx, query));
  return { data: rows.map(toCustomField) };
}

function cleanLabel(label: string): string {
  const trimmed = label.trim();
  if (!trimmed) throw fieldError('validation_failed', 'label', 'must not be blank');
  return trimmed;
}

/** Select fields need at least one option, each non-blank and distinct (ignoring case); other types none. */
function cleanOptions(type: string, options: string[]): string[] {
  if (!hasOptions(type)) {
    if (options.length > 0) {
      throw fieldError('validation_failed', 'options', 'only select and multi_select fields have options');
    }
    return [];
  }
  if (options.length === 0) throw fieldError('validation_failed', 'options', `a ${type} field needs options`);
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const result = options.map((raw, i) => {
    const option = raw.trim();
    if (!option) errors.push({ path: `options.${i}`, message: 'must not be blank' });
    else if (seen.has(option.toLowerCase()))
      errors.push({ path: `options.${i}`, message: `${option} is listed twice` });
    seen.add(option.toLowerCase());
    return option;
  });
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return result;
}

async function activeCount(trx: Tx): Promise<number> {
  return (await repo.listCustomFields(trx, { active: true })).length;
}

export interface CreateCustomFieldInput {
  label: string;
  key?: string;
  type: CustomFieldType;
  options?: string[];
  required?: boolean;
  position?: number;
}

export async function createCustomField(deps: Deps, ctx: RequestContext, input: CreateCustomFieldInput) {
  const label = cleanLabel(input.label);
  const key = input.key ?? keyFrom(label, 'field');
  if (!key) throw fieldError('validation_failed', 'key', 'cannot be derived from the label; give a key');
  const options = cleanOptions(input.type, input.options ?? []);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const existing = await repo.findCustomField(trx, key);
    if (existing) {
      throw fieldError(
        'conflict',
        'key',
        existing.active
          ? `a custom field with the key ${key} already exists`
          : `a deactivated custom field has the key ${key}; reactivate it or choose another key`,
      );
    }
    if ((await activeCount(trx)) >= MAX_ACTIVE_FIELDS) {
      throw new AppError('unprocessable', `A company has at most ${MAX_ACTIVE_FIELDS} active custom fields`);
    }
    const id = newId();
    try {
      await repo.insertCustomField(trx, {
        company_id: ctx.actor.companyId,
        id,
        key,
        label,
        type: input.type,
        options,
        required: input.required ?? false,
        position: input.position ?? (await repo.nextPosition(trx)),
        now: deps.clock.now(),
      });
    } catch (error) {
      // Two admins adding the same key at once: the second one sees what the first check would have said.
      if ((error as { code?: string }).code === '23505') {
        throw fieldError('conflict', 'key', `a custom field with the key ${key} already exists`);
      }
      throw error;
    }
    const row = await repo.findCustomField(trx, key);
    if (!row) throw new Error('custom field vanished after insert');
    await recordAudit(trx, ctx, {
      action: 'custom_field.created',
      entityType: 'custom_field',
      entityId: id,
      before: null,
      after: snapshot(row),
    });
    return toCustomField(row);
  });
}

export interface UpdateCustomFieldInput {
  label?: string;
  type?: CustomFieldType;
  options?: string[];
  required?: boolean;
  position?: number;
  active?: boolean;
}

/** A field no stage requires can be deactivated: a required value nobody can fill would block the stage. */
async function checkNotRequiredByStages(trx: Tx, key: string, path: string) {
  const stages = await repo.stagesRequiring(trx, `customFields.${key}`);
  if (stages.length > 0) {
    throw fieldError(
      'unprocessable',
      path,
      `the stage${stages.length > 1 ? 's' : ''} ${stages.join(', ')} require${stages.length > 1 ? '' : 's'} this field; remove it there first`,
    );
  }
}

/** Options still held by leads cannot be removed: those leads would hold a value the field no longer allows. */
async function checkRemovedOptions(trx: Tx, before: repo.CustomFieldRow, options: string[]) {
  const removed = before.options.filter((o) => !options.includes(o));
  const inUse: string[] = [];
  for (const option of removed) {
    const n = await repo.countLeadsWithOption(trx, before.key, option, before.type === 'multi_select');
    if (n > 0) inUse.push(`${option} (${n} lead${n === 1 ? '' : 's'})`);
  }
  if (inUse.length > 0) {
    throw fieldError('unprocessable', 'options', `options still in use cannot be removed: ${inUse.join(', ')}`);
  }
}

export async function updateCustomField(deps: Deps, ctx: RequestContext, key: string, input: UpdateCustomFieldInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await repo.findCustomField(trx, key, { lock: true });
    if (!before) throw notFound('custom field');
    const changes: repo.CustomFieldColumns = {};
    if (input.label !== undefined) changes.label = cleanLabel(input.label);
    const type = input.type ?? before.type;
    const typeChanges = type !== before.type;
    if (input.options !== undefined || typeChanges) {
      const options = cleanOptions(type, input.options ?? (hasOptions(type) ? before.options : []));
      if (!typeChanges && hasOptions(type)) await checkRemovedOptions(trx, before, options);
      changes.options = options;
    }
    if (typeChanges) {
      const n = await repo.countLeadsWithValue(trx, key);
      if (n > 0) {
        throw fieldError(
          'unprocessable',
          'type',
          `${n} lead${n === 1 ? ' has' : 's have'} a value for this field; its type can change only while none does`,
        );
      }
      changes.type = type;
    }
    if (input.required !== undefined) changes.required = input.required;
    if (input.position !== undefined) changes.position = input.position;
    if (input.active !== undefined && input.active !== before.active) {
      if (!input.active) await checkNotRequiredByStages(trx, key, 'active');
      else if ((await activeCount(trx)) >= MAX_ACTIVE_FIELDS) {
        throw fieldError('unprocessable', 'active', `a company has at most ${MAX_ACTIVE_FIELDS} active custom fields`);
      }
      changes.active = input.active;
    }
    return applyChanges(trx, deps, ctx, before, changes, 'custom_field.updated');
  });
}

/** Deactivates the field: it leaves forms and checks, the values already on leads stay. */
export async function deactivateCustomField(deps: Deps, ctx: RequestContext, key: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await repo.findCustomField(trx, key, { lock: true });
    if (!before) throw notFound('custom field');
    if (!before.active) return;
    await checkNotRequiredByStages(trx, key, 'key');
    await applyChanges(trx, deps, ctx, before, { active: false }, 'custom_field.deactivated');
  });
}

async function applyChanges(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  before: repo.CustomFieldRow,
  changes: repo.CustomFieldColumns,
  action: string,
) {
  const changed = (Object.keys(changes) as (keyof repo.CustomFieldColumns)[]).some(
    (k) => JSON.stringify(changes[k]) !== JSON.stringify(before[k]),
  );
  if (!changed) return toCustomField(before);
  await repo.updateCustomField(trx, before.key, changes, deps.clock.now());
  const after = await repo.findCustomField(trx, before.key);
  if (!after) throw notFound('custom field');
  await recordAudit(trx, ctx, {
    action,
    entityType: 'custom_field',
    entityId: before.id,
    before: snapshot(before),
    after: snapshot(after),
  });
  return toCustomField(after);
}
