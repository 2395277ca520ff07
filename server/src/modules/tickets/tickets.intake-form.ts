import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, type FieldError, notFound } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { embedHtml, honeypotFilled, type SubmitInput } from '../forms/index.ts';
import type { PutSupportFormInput } from './tickets.intake.schemas.ts';
import {
  addCustomerMessage,
  channelContext,
  openCustomerTicket,
  referenceNumber,
  ticketByNumber,
} from './tickets.intake.ts';

const DEFAULT_THANK_YOU = 'Thank you: we have your request and will answer by email.';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** The support form's inputs, as the snippet and the hosted page show them. */
export const supportFields = [
  { name: 'name', label: 'Your name', type: 'text', required: true },
  { name: 'email', label: 'Your email', type: 'email', required: true },
  { name: 'subject', label: 'Subject', type: 'text', required: true },
  { name: 'message', label: 'How can we help?', type: 'textarea', required: true },
  { name: 'reference', label: 'Ticket reference, if this is about one (e.g. T-1001)', type: 'text', required: false },
];

export const submitPath = (key: string) => `/api/v1/support-forms/${key}/submit`;

async function findForm(trx: Tx) {
  return trx.selectFrom('ticket_support_forms').selectAll().executeTakeFirst();
}

type FormRow = NonNullable<Awaited<ReturnType<typeof findForm>>>;

function toSupportForm(row: FormRow | undefined, baseUrl: string) {
  if (!row) {
    return {
      enabled: false,
      key: null,
      thankYou: DEFAULT_THANK_YOU,
      pageUrl: null,
      submitUrl: null,
      embedHtml: null,
      updatedAt: null,
    };
  }
  const submitUrl = `${baseUrl}${submitPath(row.id)}`;
  return {
    enabled: row.enabled,
    key: row.id,
    thankYou: row.thank_you,
    pageUrl: `${baseUrl}/support/${row.id}`,
    submitUrl,
    embedHtml: embedHtml({ id: row.id, name: 'Support request', fields: supportFields }, submitUrl),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function getSupportForm(deps: Deps, ctx: RequestContext, baseUrl: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => toSupportForm(await findForm(trx), baseUrl));
}

/**
 * Turns the support form on or off (and sets its thank-you). The first time, the company gets its public key;
 * the user who turns it on is the one its tickets are raised as. Audited as `support_form.updated`.
 */
export async function putSupportForm(deps: Deps, ctx: RequestContext, body: PutSupportFormInput, baseUrl: string) {
  const { companyId, userId } = ctx.actor;
  return withTenant(deps.db, companyId, async (trx) => {
    const before = await findForm(trx);
    const now = deps.clock.now();
    const thankYou = body.thankYou?.trim() || before?.thank_you || DEFAULT_THANK_YOU;
    if (before) {
      await trx
        .updateTable('ticket_support_forms')
        .set({
          enabled: body.enabled,
          thank_you: thankYou,
          updated_at: now,
          ...(body.enabled ? { acting_user_id: userId } : {}),
        })
        .where('id', '=', before.id)
        .execute();
    } else {
      const key = newId();
      await trx
        .insertInto('ticket_support_forms')
        .values({
          company_id: companyId,
          id: key,
          enabled: body.enabled,
          acting_user_id: userId,
          thank_you: thankYou,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await trx.insertInto('support_form_directory').values({ form_key: key, company_id: companyId }).execute();
    }
    const after = await findForm(trx);
    await recordAudit(trx, ctx, {
      action: 'support_form.updated',
      entityType: 'support_form',
      entityId: after?.id ?? null,
      before: before ? { enabled: before.enabled, thankYou: before.thank_you } : null,
      after: { enabled: body.enabled, thankYou },
      at: now,
    });
    return toSupportForm(after, baseUrl);
  });
}

/** The company a support form key belongs to: read before any tenant is known (the one global lookup). */
async function companyOfKey(deps: Deps, key: string): Promise<string | null> {
  const row = await deps.db
    .selectFrom('support_form_directory')
    .select('company_id')
    .where('form_key', '=', key)
    .executeTakeFirst();
  return row?.company_id ?? null;
}

/** What the hosted page shows: the company's name and the form; 404 while the form is off. */
export async function publicSupportForm(deps: Deps, key: string, baseUrl: string) {
  const companyId = await companyOfKey(deps, key);
  if (!companyId) throw notFound('support form');
  return withTenant(deps.db, companyId, async (trx) => {
    const form = await findForm(trx);
    if (!form?.enabled || form.id !== key) throw notFound('support form');
    const company = await trx.selectFrom('companies').select('name').where('id', '=', companyId).executeTakeFirst();
    return { companyName: company?.name ?? '', submitUrl: `${baseUrl}${submitPath(key)}`, fields: supportFields };
  });
}

export interface SupportSubmission {
  key: string;
  values: SubmitInput;
  ip: string;
  requestId: string;
  userAgent: string | null;
}

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value).trim());

function checked(values: SubmitInput) {
  const errors: FieldError[] = [];
  const name = text(values.name);
  const email = text(values.email).toLowerCase();
  const subject = text(values.subject);
  const message = text(values.message);
  const reference = text(values.reference);
  if (!name) errors.push({ path: 'name', message: 'is required' });
  else if (name.length > 200) errors.push({ path: 'name', message: 'must be at most 200 characters' });
  if (!email) errors.push({ path: 'email', message: 'is required' });
  else if (email.length > 254 || !EMAIL.test(email))
    errors.push({ path: 'email', message: 'must be an email address' });
  if (!subject) errors.push({ path: 'subject', message: 'is required' });
  else if (subject.length > 200) errors.push({ path: 'subject', message: 'must be at most 200 characters' });
  if (!message) errors.push({ path: 'message', message: 'is required' });
  else if (message.length > 20_000) errors.push({ path: 'message', message: 'must be at most 20000 characters' });
  const number = reference ? referenceNumber(reference, false) : null;
  if (reference && number === null)
    errors.push({ path: 'reference', message: 'must be a ticket reference like T-1001' });
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return { name, email, subject, message, number };
}

/**
 * A visitor's request: the key names the company; a filled honeypot gets the thank-you and nothing else. With a
 * reference to one of the submitter's own tickets (same requester email) the message joins that ticket's thread,
 * otherwise it opens a ticket (priority normal, the lead with that email as customer when there is one).
 */
export async function submitSupportForm(deps: Deps, submission: SupportSubmission) {
  const companyId = await companyOfKey(deps, submission.key);
  if (!companyId) throw notFound('support form');
  return withTenant(deps.db, companyId, async (trx) => {
    const form = await findForm(trx);
    if (!form?.enabled || form.id !== submission.key) throw notFound('support form');
    if (honeypotFilled(submission.values)) return { message: form.thank_you, reference: null };
    const input = checked(submission.values);
    const ctx = await channelContext(trx, companyId, form.acting_user_id, submission);
    if (!ctx) throw notFound('support form');
    const customer = { name: input.name, email: input.email };
    if (input.number !== null) {
      const ticket = await ticketByNumber(trx, input.number);
      if (!ticket || ticket.requester_email !== input.email) {
        throw new AppError('validation_failed', 'reference: is not a ticket of yours', {
          errors: [{ path: 'reference', message: 'is not a ticket raised with this email address' }],
        });
      }
      const body = `${input.subject}\n\n${input.message}`;
      const joined = await addCustomerMessage(trx, deps, ctx, ticket.id, { body, customer, channel: 'support_form' });
      return { message: form.thank_you, reference: joined.reference };
    }
    const opened = await openCustomerTicket(trx, deps, ctx, {
      subject: input.subject,
      body: input.message,
      customer,
      channel: 'support_form',
    });
    return { message: form.thank_you, reference: opened.reference };
  });
}
