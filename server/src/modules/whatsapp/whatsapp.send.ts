import { withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { toE164 } from '../../lib/phone.ts';
import { recordAudit } from '../audit/index.ts';
import { fieldAccessFor, findVisibleLead, touchLead } from '../leads/index.ts';

import { DEFAULT_TEMPLATE_LANGUAGE, toMessage } from './whatsapp.dto.ts';
import { whatsappSendJob } from './whatsapp.jobs.ts';
import * as repo from './whatsapp.repository.ts';
import type { SendInput } from './whatsapp.schemas.ts';

/** Text or a template, never both; the template's parts only with a template, the link preview only with text. */
function checkShape(body: SendInput): void {
  const errors: { path: string; message: string }[] = [];
  if (body.text === undefined && body.templateName === undefined) {
    errors.push({ path: 'text', message: 'send a text, or a templateName' });
  }
  if (body.text !== undefined && body.templateName !== undefined) {
    errors.push({ path: 'templateName', message: 'cannot be sent together with text' });
  }
  if (body.text !== undefined && body.text.trim() === '') errors.push({ path: 'text', message: 'must not be blank' });
  if (body.templateName === undefined) {
    for (const key of ['language', 'params'] as const) {
      if (body[key] !== undefined) errors.push({ path: key, message: 'goes with templateName' });
    }
  }
  if (body.text === undefined && body.previewUrl !== undefined) {
    errors.push({ path: 'previewUrl', message: 'goes with text' });
  }
  if (errors.length > 0) {
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
}

/** The number to write to: the one asked for when the lead has it, else the lead's first. */
function recipient(phones: string[], asked: string | undefined, country: string): string {
  if (phones.length === 0) {
    throw new AppError('unprocessable', 'The lead has no phone number to send WhatsApp messages to', {
      errors: [{ path: 'phones', message: 'the lead has no phone number' }],
    });
  }
  if (asked === undefined) return phones[0] as string;
  const phone = toE164(asked, country);
  if (!phone || !phones.includes(phone)) {
    throw new AppError('unprocessable', 'Send to one of the numbers of the lead', {
      errors: [{ path: 'phone', message: 'is not one of the lead’s phone numbers' }],
    });
  }
  return phone;
}

/**
 * Queues a message to a lead the caller may see: it is kept at once (status queued) and a job sends it, so a
 * slow or failing WhatsApp never holds the request. Writing to a lead counts as working it.
 */
export async function sendToLead(deps: Deps, ctx: RequestContext, leadId: string, body: SendInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const lead = await findVisibleLead(trx, ctx.actor, leadId, { forChange: true });
    if (!lead) throw notFound('lead');
    checkShape(body);
    const company = await trx.selectFrom('companies').select('phone_country').executeTakeFirstOrThrow();
    const phone = recipient(lead.phones, body.phone, company.phone_country);
    const settings = await repo.findSettings(trx);
    if (!settings) throw new AppError('whatsapp_not_configured', 'An admin connects WhatsApp in the settings first');

    const now = deps.clock.now();
    const id = newId();
    const template = body.templateName !== undefined;
    await repo.insertMessage(trx, {
      company_id: ctx.actor.companyId,
      id,
      lead_id: lead.id,
      direction: 'outbound',
      phone,
      phone_number_id: settings.phone_number_id,
      type: template ? 'template' : 'text',
      body: template ? null : (body.text ?? null),
      template_name: body.templateName ?? null,
      template_language: template ? (body.language ?? DEFAULT_TEMPLATE_LANGUAGE) : null,
      template_params: template ? (body.params ?? []) : [],
      content: template ? null : JSON.stringify({ preview_url: body.previewUrl ?? false }),
      status: 'queued',
      sent_by: ctx.actor.userId,
      at: now,
      created_at: now,
      updated_at: now,
    });
    await enqueue(trx, whatsappSendJob, { messageId: id }, { runAt: now });
    await touchLead(trx, lead.id, now);
    await recordAudit(trx, ctx, {
      action: 'whatsapp.queued',
      entityType: 'whatsapp_message',
      entityId: id,
      after: { leadId: lead.id, type: template ? 'template' : 'text', templateName: body.templateName ?? null },
      at: now,
    });
    const row = await repo.findMessage(trx, id);
    if (!row) throw new Error('message vanished after insert');
    return toMessage(row, await fieldAccessFor(trx, ctx.actor.role));
  });
}
