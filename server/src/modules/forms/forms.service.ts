import { type Tx, withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { embedHtml } from './forms.embed.ts';
import * as repo from './forms.repository.ts';
import { type CreateFormInput, type FormFieldInput, HONEYPOT, type UpdateFormInput } from './forms.schemas.ts';

const DEFAULT_THANK_YOU = 'Thank you! We will be in touch soon.';

/** A field as stored: `required` always present, `options` only on a select. */
export interface StoredField {
  name: string;
  label: string;
  type: FormFieldInput['type'];
  required: boolean;
  options?: string[];
  mapsTo: string;
}

/** Where a form's submissions go: PUBLIC_URL when set, else the address the caller reached us at. */
export function submitUrlOf(baseUrl: string, formId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/v1/forms/${formId}/submit`;
}

function toForm(row: repo.FormRow, baseUrl: string) {
  const fields = row.fields as unknown as StoredField[];
  const submitUrl = submitUrlOf(baseUrl, row.id);
  return {
    id: row.id,
    name: row.name,
    fields,
    source: row.source,
    campaign: row.campaign,
    thankYou: row.thank_you,
    active: row.active,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    submitUrl,
    embedHtml: embedHtml({ id: row.id, name: row.name, fields }, submitUrl),
  };
}

function snapshot(row: repo.FormRow): Record<string, unknown> {
  return {
    name: row.name,
    fields: row.fields,
    source: row.source,
    campaign: row.campaign,
    thankYou: row.thank_you,
    active: row.active,
  };
}

/**
 * The rules a form's fields must keep beyond their schema: unique names and targets, one field fills the
 * lead's name, a select has choices, email and phone targets take inputs of their type, custom-field targets
 * exist, and no field takes the honeypot's name.
 */
async function checkFields(trx: Tx, fields: FormFieldInput[]): Promise<StoredField[]> {
  const errors: FieldError[] = [];
  const customKeys = await repo.activeCustomFieldKeys(trx);
  const names = new Set<string>();
  const targets = new Set<string>();
  for (const [i, field] of fields.entries()) {
    const at = `fields.${i}`;
    if (field.name === HONEYPOT) errors.push({ path: `${at}.name`, message: `is reserved for the spam trap` });
    else if (names.has(field.name)) errors.push({ path: `${at}.name`, message: 'is used by another field' });
    names.add(field.name);
    if (targets.has(field.mapsTo)) errors.push({ path: `${at}.mapsTo`, message: 'is filled by another field' });
    targets.add(field.mapsTo);
    if (field.type === 'select' && !field.options?.length) {
      errors.push({ path: `${at}.options`, message: 'a select needs at least one choice' });
    }
    if (field.mapsTo === 'email' && field.type !== 'email') {
      errors.push({ path: `${at}.type`, message: 'must be email to fill the email' });
    }
    if (field.mapsTo === 'phone' && field.type !== 'phone') {
      errors.push({ path: `${at}.type`, message: 'must be phone to fill the phone' });
    }
    if (field.mapsTo.startsWith('customFields.') && !customKeys.includes(field.mapsTo.slice(13))) {
      errors.push({ path: `${at}.mapsTo`, message: 'is not an active custom field of this company' });
    }
  }
  if (!targets.has('name')) errors.push({ path: 'fields', message: 'one field must map to name' });
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path} ${e.message}`).join('; '), { errors });
  }
  return fields.map((f) => ({
    name: f.name,
    label: f.label.trim() || f.name,
    type: f.type,
    required: f.required === true || f.mapsTo === 'name',
    ...(f.type === 'select' && f.options ? { options: [...new Set(f.options)] } : {}),
    mapsTo: f.mapsTo,
  }));
}

export async function listForms(
  deps: Deps,
  ctx: RequestContext,
  query: { limit: number; cursor?: string | undefined },
  baseUrl: string,
) {
  const after = decodeCursor(query.cursor, ['uuid']);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const rows = await repo.listForms(trx, { limit: query.limit, before: after ? String(after[0]) : null });
    const page = toPage(rows, query.limit, (r) => [r.id]);
    return { data: page.data.map((r) => toForm(r, baseUrl)), nextCursor: page.nextCursor };
  });
}

export async function getForm(deps: Deps, ctx: RequestContext, id: string, baseUrl: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await repo.findForm(trx, id);
    if (!row) throw notFound('form');
    return toForm(row, baseUrl);
  });
}

export async function createForm(deps: Deps, ctx: RequestContext, body: CreateFormInput, baseUrl: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const fields = await checkFields(trx, body.fields);
    const id = newId();
    await repo.insertForm(trx, {
      company_id: ctx.actor.companyId,
      id,
      name: body.name.trim(),
      fields,
      source: body.source ?? 'web_form',
      campaign: body.campaign?.trim() || null,
      thank_you: body.thankYou?.trim() || DEFAULT_THANK_YOU,
      active: body.active ?? true,
      created_by: ctx.actor.userId,
      now: deps.clock.now(),
    });
    const row = await repo.findForm(trx, id);
    if (!row) throw new Error('form vanished after insert');
    await recordAudit(trx, ctx, { action: 'form.created', entityType: 'web_form', entityId: id, after: snapshot(row) });
    return toForm(row, baseUrl);
  });
}

export async function updateForm(deps: Deps, ctx: RequestContext, id: string, body: UpdateFormInput, baseUrl: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await repo.findForm(trx, id, { lock: true });
    if (!before) throw notFound('form');
    const changes: repo.FormColumns = {};
    if (body.name !== undefined) changes.name = body.name.trim();
    if (body.fields !== undefined) changes.fields = await checkFields(trx, body.fields);
    if (body.source !== undefined) changes.source = body.source;
    if (body.campaign !== undefined) changes.campaign = body.campaign?.trim() || null;
    if (body.thankYou !== undefined) changes.thank_you = body.thankYou.trim() || DEFAULT_THANK_YOU;
    if (body.active !== undefined) changes.active = body.active;
    return writeForm(trx, deps, ctx, before, changes, 'form.updated', baseUrl);
  });
}

/** Deactivating keeps the form (and the leads it brought) but its submit URL answers 404 from then on. */
export async function deactivateForm(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  await withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = await repo.findForm(trx, id, { lock: true });
    if (!before) throw notFound('form');
    if (before.active) await writeForm(trx, deps, ctx, before, { active: false }, 'form.deactivated', '');
  });
}

async function writeForm(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  before: repo.FormRow,
  changes: repo.FormColumns,
  action: string,
  baseUrl: string,
) {
  await repo.updateForm(trx, before.id, changes, deps.clock.now());
  const after = await repo.findForm(trx, before.id);
  if (!after) throw notFound('form');
  await recordAudit(trx, ctx, {
    action,
    entityType: 'web_form',
    entityId: before.id,
    before: snapshot(before),
    after: snapshot(after),
  });
  return toForm(after, baseUrl);
}
