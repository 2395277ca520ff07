import type { FastifySchemaValidationError } from 'fastify';
import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type ErrorCode, type FieldError, notFound } from '../../http/errors.ts';
import { fieldErrors, validatorCompiler } from '../../http/validation.ts';
import { createLeads } from '../leads/commands.ts';
import { CreateLeadBody, type CreateLeadInput } from '../leads/index.ts';

import * as repo from './forms.repository.ts';
import { HONEYPOT, type SubmitInput } from './forms.schemas.ts';
import type { StoredField } from './forms.service.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const validateLead = validatorCompiler({ schema: CreateLeadBody, httpPart: 'body' });

export interface Submission {
  formId: string;
  values: SubmitInput;
  ip: string;
  requestId: string;
  userAgent: string | null;
}

/**
 * A visitor's submission: the form names its company (form_directory), the lead is created as the form's
 * creator through the one write path of every lead (createLeads: normalisation, duplicates, assignment rules,
 * history, audit), on channel web_form with the form's source and campaign. A filled honeypot gets the
 * thank-you and nothing else, so a bot learns nothing.
 */
export async function submitForm(deps: Deps, submission: Submission): Promise<{ message: string }> {
  const companyId = await repo.companyOfForm(deps.db, submission.formId);
  if (!companyId) throw notFound('form');
  return withTenant(deps.db, companyId, async (trx) => {
    const form = await repo.findForm(trx, submission.formId);
    if (!form?.active || !form.created_by) throw notFound('form');
    if (honeypotFilled(submission.values)) return { message: form.thank_you };
    const fields = form.fields as unknown as StoredField[];
    const body = leadBodyOf(fields, submission.values);
    if (!body.campaign && form.campaign) body.campaign = form.campaign;
    const creator = await repo.formCreator(trx, form.created_by);
    if (!creator) throw notFound('form');
    const ctx: RequestContext = {
      actor: {
        userId: creator.id,
        companyId,
        role: creator.role,
        name: creator.name,
        email: creator.email,
        managerId: creator.manager_id,
        sessionId: null,
        apiKeyId: null,
      },
      requestId: submission.requestId,
      ip: submission.ip,
      userAgent: submission.userAgent,
    };
    const { results } = await createLeads(trx, deps, ctx, [{ body }], {
      channel: 'web_form',
      defaultSource: form.source,
    });
    const [result] = results;
    if (result?.status === 'failed' || result?.status === 'duplicate') {
      throw result.error instanceof AppError ? inFormTerms(result.error, fields) : result.error;
    }
    return { message: form.thank_you };
  });
}

/** Whether a bot filled the hidden input people never see (HONEYPOT): it then gets the thank-you, nothing else. */
export function honeypotFilled(values: Record<string, unknown>): boolean {
  const honeypot = values[HONEYPOT];
  return honeypot !== undefined && honeypot !== null && String(honeypot).trim() !== '';
}

/** The lead a submission describes, each value checked against its field; errors name the form's fields. */
function leadBodyOf(fields: StoredField[], values: SubmitInput): CreateLeadInput {
  const errors: FieldError[] = [];
  const lead: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name];
    const value = typeof raw === 'string' ? raw.trim() : raw;
    if (value === undefined || value === null || value === '') {
      if (field.required) errors.push({ path: field.name, message: 'is required' });
      continue;
    }
    let typed: string | number | boolean = value;
    if (field.type === 'number') {
      typed = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || !Number.isFinite(typed)) {
        errors.push({ path: field.name, message: 'must be a number' });
        continue;
      }
    } else if (field.type === 'email' && !EMAIL.test(String(value))) {
      errors.push({ path: field.name, message: 'must be an email address' });
      continue;
    } else if (field.type === 'select' && !field.options?.includes(String(value))) {
      errors.push({ path: field.name, message: 'is not one of the choices' });
      continue;
    }
    if (field.mapsTo.startsWith('customFields.')) {
      custom[field.mapsTo.slice('customFields.'.length)] = field.type === 'number' ? typed : String(typed);
    } else if (field.mapsTo === 'email') lead.emails = [String(typed)];
    else if (field.mapsTo === 'phone') lead.phones = [String(typed)];
    else lead[field.mapsTo] = String(typed);
  }
  if (Object.keys(custom).length > 0) lead.customFields = custom;
  if (errors.length > 0) throw formError('validation_failed', errors, fields);
  if (!validateLead(lead)) {
    const leadErrors = fieldErrors((validateLead.errors ?? []) as unknown as FastifySchemaValidationError[]);
    throw inFormTerms(new AppError('validation_failed', '', { errors: leadErrors }), fields);
  }
  return lead as CreateLeadInput;
}

/** A problem naming the form's fields, its detail in their labels for the page to show as it is. */
function formError(code: ErrorCode, errors: FieldError[], fields: StoredField[]): AppError {
  const label = (name: string) => fields.find((f) => f.name === name)?.label ?? name;
  return new AppError(code, errors.map((e) => `${label(e.path)}: ${e.message}`).join('; '), { errors });
}

/** The lead field a form field fills, as lead errors name it (`emails.0` for the email field). */
function leadPath(field: StoredField): string {
  if (field.mapsTo === 'email') return 'emails';
  if (field.mapsTo === 'phone') return 'phones';
  return field.mapsTo;
}

/** A lead error (`emails.0 is not an email address`) renamed to the form field that filled it. */
function inFormTerms(error: AppError, fields: StoredField[]): AppError {
  if (!error.errors?.length) return error;
  const errors = error.errors.map((e) => {
    const field = fields.find((f) => e.path === leadPath(f) || e.path.startsWith(`${leadPath(f)}.`));
    return { path: field?.name ?? e.path, message: e.message };
  });
  return formError(error.code, errors, fields);
}
