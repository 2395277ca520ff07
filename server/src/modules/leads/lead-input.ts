import type { Tx } from '../../db/client.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { toE164 } from '../../lib/phone.ts';
import { type Access, type ControlledField, customAccess, type FieldAccess } from './lead-fields.ts';
import { activeCustomFields, type LeadColumns } from './leads.repository.ts';
import type { LeadFieldsInput } from './leads.schemas.ts';

export type CustomFieldDef = Awaited<ReturnType<typeof activeCustomFields>>[number];

export interface InputContext {
  phoneCountry: string;
  currency: string;
  access: FieldAccess;
  customDefs: CustomFieldDef[];
}

export async function loadInputContext(trx: Tx, access: FieldAccess): Promise<InputContext> {
  const [company, customDefs] = await Promise.all([
    trx.selectFrom('companies').select(['phone_country', 'currency']).executeTakeFirstOrThrow(),
    activeCustomFields(trx),
  ]);
  return { phoneCountry: company.phone_country, currency: company.currency, access, customDefs };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

const plainText: Partial<Record<ControlledField, keyof LeadColumns>> = {
  companyName: 'company_name',
  campaign: 'campaign',
  product: 'product',
  city: 'city',
  state: 'state',
  country: 'country',
  territory: 'territory',
  notes: 'notes',
  lostReason: 'lost_reason',
};

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/**
 * Turns the fields of a create, update, bulk item or stage move into columns: emails lower-cased and checked,
 * phones to E.164 with the company's country, tags de-duplicated, custom fields checked against their
 * definitions. A field the role may not write is a 403 naming it; a bad value a 400 naming it. Nothing is
 * written until every field passed.
 */
export async function toColumns(
  trx: Tx,
  input: LeadFieldsInput & { name?: string },
  ctx: InputContext,
  options: { mode: 'create' | 'update'; basePath?: string; currentCustom?: Record<string, unknown> },
): Promise<LeadColumns> {
  const base = options.basePath ? `${options.basePath}.` : '';
  const errors: FieldError[] = [];
  const denied: string[] = [];
  const columns: LeadColumns = {};
  const writable = (field: ControlledField) => ctx.access.fields[field] === 'write';

  for (const key of Object.keys(input) as (keyof typeof input)[]) {
    if (input[key] === undefined || key === 'name' || key === 'customFields') continue;
    if (!writable(key as ControlledField)) denied.push(`${base}${key}`);
  }

  if (input.name !== undefined) {
    const name = input.name.trim();
    if (!name) errors.push({ path: `${base}name`, message: 'must not be blank' });
    else columns.name = name;
  }
  for (const [field, column] of Object.entries(plainText) as [ControlledField, keyof LeadColumns][]) {
    const value = input[field as keyof LeadFieldsInput];
    if (value !== undefined) (columns as Record<string, unknown>)[column] = blankToNull(value as string | null);
  }
  if (input.source !== undefined) columns.source = input.source;
  if (input.emails !== undefined) {
    const emails: string[] = [];
    input.emails.forEach((raw, i) => {
      const email = raw.trim().toLowerCase();
      if (!EMAIL.test(email)) errors.push({ path: `${base}emails.${i}`, message: 'is not an email address' });
      else if (!emails.includes(email)) emails.push(email);
    });
    columns.emails = emails;
  }
  if (input.phones !== undefined) {
    const phones: string[] = [];
    input.phones.forEach((raw, i) => {
      const phone = toE164(raw, ctx.phoneCountry);
      if (!phone) errors.push({ path: `${base}phones.${i}`, message: `is not a valid phone number (${raw})` });
      else if (!phones.includes(phone)) phones.push(phone);
    });
    columns.phones = phones;
  }
  if (input.tags !== undefined) {
    columns.tags = [...new Set(input.tags.map((t) => t.trim()).filter(Boolean))];
  }
  if (input.expectedValue !== undefined) columns.expected_value = input.expectedValue;
  if (input.currency !== undefined) columns.currency = input.currency;
  if (input.expectedValue != null && input.currency === undefined && options.mode === 'create') {
    columns.currency = ctx.currency;
  }
  if (input.expectedCloseDate !== undefined) columns.expected_close_date = input.expectedCloseDate;

  if (input.customFields !== undefined || options.mode === 'create') {
    columns.custom_fields = await customColumns(trx, input.customFields ?? {}, ctx, options, base, errors, denied);
  }

  if (denied.length > 0) {
    throw new AppError('field_forbidden', `Your role may not change: ${denied.join(', ')}`, {
      errors: denied.map((path) => ({ path, message: 'your role may not change this field' })),
    });
  }
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return columns;
}

async function customColumns(
  trx: Tx,
  given: Record<string, unknown>,
  ctx: InputContext,
  options: { mode: 'create' | 'update'; currentCustom?: Record<string, unknown> },
  base: string,
  errors: FieldError[],
  denied: string[],
): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { ...(options.currentCustom ?? {}) };
  const userIds: { path: string; id: string }[] = [];
  for (const [key, value] of Object.entries(given)) {
    const path = `${base}customFields.${key}`;
    const def = ctx.customDefs.find((d) => d.key === key);
    if (!def) {
      errors.push({ path, message: 'is not a custom field of this company' });
      continue;
    }
    if ((customAccess(ctx.access, key) as Access) !== 'write') {
      denied.push(path);
      continue;
    }
    if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
      delete result[key];
      continue;
    }
    const problem = checkCustomValue(def, value);
    if (problem) errors.push({ path, message: problem });
    else {
      result[key] = typeof value === 'string' ? value.trim() : value;
      if (def.type === 'user') userIds.push({ path, id: value as string });
    }
  }
  for (const def of ctx.customDefs) {
    if (def.required && result[def.key] === undefined && (options.mode === 'create' || def.key in given)) {
      errors.push({ path: `${base}customFields.${def.key}`, message: 'is required' });
    }
  }
  if (userIds.length > 0) {
    const found = await trx
      .selectFrom('users')
      .select('id')
      .where(
        'id',
        'in',
        userIds.map((u) => u.id),
      )
      .where('active', '=', true)
      .execute();
    for (const u of userIds) {
      if (!found.some((f) => f.id === u.id))
        errors.push({ path: u.path, message: 'is not an active user of this company' });
    }
  }
  return result;
}

/** Why a value does not fit its custom field's type, or null when it does. */
export function checkCustomValue(def: { type: string; options: string[] }, value: unknown): string | null {
  switch (def.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 2000 ? null : 'must be text of at most 2000 characters';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : 'must be a date (YYYY-MM-DD)';
    case 'select':
      return typeof value === 'string' && def.options.includes(value)
        ? null
        : `must be one of: ${def.options.join(', ')}`;
    case 'multi_select':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && def.options.includes(v))
        ? null
        : `must be a list of: ${def.options.join(', ')}`;
    case 'user':
      return typeof value === 'string' && isUuid(value) ? null : 'must be a user id';
    default:
      return 'has an unknown type';
  }
}
