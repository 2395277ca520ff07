import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { recordAudit } from '../audit/index.ts';
import { facebookBackfillJob } from './facebook.jobs.ts';
import { effectiveMapping, type MappingEntry } from './facebook.mapping.ts';
import * as repo from './facebook.repository.ts';
import type { MappingInput } from './facebook.schemas.ts';

/** Targets several answers may fill (their values are listed or joined). */
const MULTI = new Set(['email', 'phone', 'notes']);
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/**
 * The form's row: a form is known once an event or a backfill met it, or when a connection of the company is
 * named for it (`connectionId`). Another company's form, or an unknown one, is a 404.
 */
async function formFor(trx: Tx, deps: Deps, companyId: string, formId: string, connectionId?: string) {
  if (!/^[0-9]{1,32}$/.test(formId)) {
    throw new AppError('validation_failed', 'formId must be a Meta id (digits)', {
      errors: [{ path: 'formId', message: 'must be a Meta id (digits)' }],
    });
  }
  const form = await repo.lockForm(trx, formId);
  if (form) return form;
  if (!connectionId) throw notFound('Facebook lead form');
  if (!(await repo.findPage(trx, connectionId))) throw notFound('Facebook page connection');
  await repo.ensureForm(trx, companyId, formId, connectionId, deps.clock.now());
  return (await repo.lockForm(trx, formId)) as repo.FormRow;
}

async function toMapping(trx: Tx, form: repo.FormRow) {
  const stored = (form.mapping as MappingEntry[] | null) ?? null;
  return {
    formId: form.form_id,
    formName: form.name,
    connectionId: form.connection_id,
    suggested: stored === null,
    fields: effectiveMapping(stored, form.questions, await repo.customFieldKeys(trx)),
  };
}

export async function getMapping(deps: Deps, ctx: RequestContext, formId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) =>
    toMapping(trx, await formFor(trx, deps, ctx.actor.companyId, formId)),
  );
}

/** Saves the form's mapping: each question key to a lead field, a custom field, or nothing (the timeline). */
export async function putMapping(deps: Deps, ctx: RequestContext, formId: string, body: MappingInput) {
  const companyId = ctx.actor.companyId;
  return withTenant(deps.db, companyId, async (trx) => {
    const form = await formFor(trx, deps, companyId, formId, body.connectionId);
    const custom = new Set((await repo.customFieldKeys(trx)).map((f) => f.key));
    const errors: FieldError[] = [];
    const keys = new Set<string>();
    const targets = new Set<string>();
    body.fields.forEach((f, i) => {
      if (keys.has(f.key)) errors.push({ path: `fields.${i}.key`, message: 'is listed twice' });
      keys.add(f.key);
      if (!f.target) return;
      if (f.target.startsWith('customFields.') && !custom.has(f.target.slice('customFields.'.length))) {
        errors.push({ path: `fields.${i}.target`, message: 'is not an active custom field' });
      } else if (targets.has(f.target) && !MULTI.has(f.target)) {
        errors.push({ path: `fields.${i}.target`, message: 'is already filled by another question' });
      }
      targets.add(f.target);
    });
    if (errors.length > 0) {
      throw new AppError('validation_failed', errors.map((e) => `${e.path} ${e.message}`).join('; '), { errors });
    }
    const mapping = body.fields.map((f) => ({ key: f.key, target: f.target }));
    const questions = [...form.questions];
    for (const f of mapping) if (!questions.includes(f.key)) questions.push(f.key);
    const now = deps.clock.now();
    await repo.updateForm(trx, formId, { mapping: JSON.stringify(mapping), questions, updated_at: now });
    await recordAudit(trx, ctx, {
      action: 'facebook.form_mapping_updated',
      entityType: 'facebook_form',
      entityId: null,
      before: { formId, mapping: form.mapping ?? null },
      after: { formId, mapping },
      at: now,
    });
    return toMapping(trx, (await repo.findForm(trx, formId)) as repo.FormRow);
  });
}

function toBackfill(form: repo.FormRow) {
  return {
    formId: form.form_id,
    status: form.backfill_status,
    pages: form.backfill_pages,
    fetched: form.backfill_fetched,
    created: form.backfill_created,
    error: form.backfill_error,
    startedAt: iso(form.backfill_started_at),
    finishedAt: iso(form.backfill_finished_at),
  };
}

export async function getBackfill(deps: Deps, ctx: RequestContext, formId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) =>
    toBackfill(await formFor(trx, deps, ctx.actor.companyId, formId)),
  );
}

/**
 * Starts fetching the form's earlier leads, page by page, as jobs. One backfill runs at a time per form
 * (asking again while it runs answers its progress); a broken connection must be repaired first.
 */
export async function startBackfill(deps: Deps, ctx: RequestContext, formId: string, connectionId?: string) {
  const companyId = ctx.actor.companyId;
  return withTenant(deps.db, companyId, async (trx) => {
    const form = await formFor(trx, deps, companyId, formId, connectionId);
    if (form.backfill_status === 'running') return toBackfill(form);
    const page = await repo.findPage(trx, form.connection_id);
    if (page?.status === 'broken') {
      throw new AppError('facebook_connection_broken', `Save a new access token for ${page.page_name} first`);
    }
    const now = deps.clock.now();
    await repo.updateForm(trx, formId, {
      backfill_status: 'running',
      backfill_after: null,
      backfill_pages: 0,
      backfill_fetched: 0,
      backfill_created: 0,
      backfill_error: null,
      backfill_started_at: now,
      backfill_finished_at: null,
      updated_at: now,
    });
    await enqueue(trx, facebookBackfillJob, { formId }, { runAt: now });
    await recordAudit(trx, ctx, {
      action: 'facebook.backfill_started',
      entityType: 'facebook_form',
      entityId: null,
      before: null,
      after: { formId },
      at: now,
    });
    return toBackfill((await repo.findForm(trx, formId)) as repo.FormRow);
  });
}
