import { type SqlBool, sql } from 'kysely';
import { keptScope, mayManageKept } from '../../access/policy.ts';
import { type Tx, withTenant } from '../../db/client.ts';
import { decodeCursor, toPage } from '../../db/keyset.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { AppError, fieldError, notFound } from '../../http/errors.ts';
import { enqueue, wake } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { fieldAccessFor, findVisibleLead, type LeadRow, leadIsLive, leadVisibleTo, touchLead } from '../leads/index.ts';

import { leadContext } from './email.context.ts';
import { toMessage } from './email.dto.ts';
import { emailSendJob, fromFor } from './email.jobs.ts';
import { queueMessage } from './email.outbox.ts';
import { type Content, htmlToText, type Rendered, renderContent } from './email.render.ts';
import * as repo from './email.repository.ts';
import { statuses as knownStatuses, type PreviewInput, type SendInput } from './email.schemas.ts';
import { notConfigured } from './email.settings.ts';
import { findTemplate } from './templates.repository.ts';
import { senderOf } from './templates.service.ts';

/** What a preview and a send share: a template, parts of its own, and whether to sign it. */
type ContentInput = Pick<SendInput, 'templateId' | 'subject' | 'html' | 'text' | 'signature'>;

const EMAIL = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;

async function visibleLead(trx: Tx, ctx: RequestContext, id: string, forChange = false): Promise<LeadRow> {
  const lead = await findVisibleLead(trx, ctx.actor, id, { forChange });
  if (!lead) throw notFound('lead');
  return lead;
}

/** The parts given in the body, the rest from the template; all of it is Liquid. */
async function resolveContent(trx: Tx, ctx: RequestContext, body: ContentInput) {
  const template = body.templateId ? await findTemplate(trx, ctx.actor.userId, body.templateId) : null;
  if (body.templateId && !template) throw fieldError('unprocessable', 'templateId', 'is not a template you can use');
  const content: Content = {
    subject: body.subject ?? template?.subject ?? '',
    html: body.html !== undefined ? body.html : (template?.html ?? null),
    text: body.text !== undefined ? body.text : (template?.text ?? null),
  };
  if (!content.subject) throw fieldError('validation_failed', 'subject', 'is required without a templateId');
  if (content.html === null && content.text === null) {
    throw fieldError('validation_failed', 'html', 'give html, text or both (or a templateId)');
  }
  return { content, template };
}

/** The sender's signature goes at the end of both parts, as it would in their own mail client. */
async function withSignature(trx: Tx, ctx: RequestContext, rendered: Rendered, wanted: boolean | undefined) {
  if (wanted === false) return rendered;
  const signature = await repo.findSignature(trx, ctx.actor.userId);
  if (!signature?.html) return rendered;
  const html =
    rendered.html === null
      ? null
      : /<\/body\s*>/i.test(rendered.html)
        ? rendered.html.replace(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i, `<br><br>${signature.html}$&`)
        : `${rendered.html}<br><br>${signature.html}`;
  return { ...rendered, html, text: `${rendered.text}\n\n-- \n${htmlToText(signature.html)}` };
}

async function render(trx: Tx, ctx: RequestContext, lead: LeadRow, body: ContentInput) {
  const { content, template } = await resolveContent(trx, ctx, body);
  const rendered = await renderContent(content, await leadContext(trx, lead, senderOf(ctx)));
  return { rendered: await withSignature(trx, ctx, rendered, body.signature), template };
}

/** The lead's first address, when it is one a server will take. */
function defaultRecipients(lead: LeadRow): string[] {
  const first = lead.emails[0];
  if (!first) throw fieldError('unprocessable', 'to', 'the lead has no email address: give the recipients');
  if (!EMAIL.test(first))
    throw fieldError('unprocessable', 'to', `the lead's address ${first} is not valid: give the recipients`);
  return [first];
}

function checkAddresses(field: string, list: string[] | undefined): string[] {
  const addresses = (list ?? []).map((a) => a.trim());
  const bad = addresses.findIndex((a) => !EMAIL.test(a));
  if (bad !== -1) throw fieldError('validation_failed', `${field}.${bad}`, 'must be an email address');
  return addresses;
}

export async function previewEmail(deps: Deps, ctx: RequestContext, body: PreviewInput) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const lead = await visibleLead(trx, ctx, body.leadId);
    const { rendered } = await render(trx, ctx, lead, body);
    const access = await fieldAccessFor(trx, ctx.actor.role);
    const to = access.fields.emails === 'hidden' || !lead.emails[0] ? [] : [lead.emails[0]];
    return { ...rendered, to };
  });
}

/**
 * Queues an email to a lead (202): rendered now with the lead as the sender sees it, stored with its
 * recipients and bodies, and sent by a job. No outgoing server: 422 `email_not_configured` and nothing is
 * stored, so nobody believes a message is on its way that cannot be.
 */
export async function sendLeadEmail(deps: Deps, ctx: RequestContext, leadId: string, body: SendInput, baseUrl: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    // Sending works the lead: an integration key's read-all scope does not reach it.
    const lead = await visibleLead(trx, ctx, leadId, true);
    const to = body.to ? checkAddresses('to', body.to) : defaultRecipients(lead);
    const cc = checkAddresses('cc', body.cc);
    const bcc = checkAddresses('bcc', body.bcc);
    const { rendered, template } = await render(trx, ctx, lead, body);
    const settings = await repo.findSettings(trx);
    if (!settings) throw notConfigured();
    const id = newId();
    await queueMessage(trx, deps, {
      company_id: ctx.actor.companyId,
      id,
      purpose: 'lead',
      lead_id: lead.id,
      to_user_id: null,
      sender_id: ctx.actor.userId,
      ...(await fromFor(trx, settings, ctx.actor.userId)),
      to_addresses: to,
      cc_addresses: cc,
      bcc_addresses: bcc,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      template_id: template?.id ?? null,
      template_name: template?.name ?? null,
      track_opens: settings.track_opens,
      track_clicks: settings.track_clicks,
      tracking_base_url: baseUrl,
    });
    await touchLead(trx, lead.id, deps.clock.now());
    await recordAudit(trx, ctx, {
      action: 'email.queued',
      entityType: 'email',
      entityId: id,
      after: { leadId: lead.id, to, cc, bcc, subject: rendered.subject, templateId: template?.id ?? null },
    });
    return message(trx, id, true);
  });
}

async function message(trx: Tx, id: string, showAddresses: boolean) {
  const row = await repo.findMessage(trx, id);
  if (!row) throw new Error('message vanished');
  return toMessage(row, showAddresses);
}

async function showsAddresses(trx: Tx, ctx: RequestContext): Promise<boolean> {
  return (await fieldAccessFor(trx, ctx.actor.role)).fields.emails !== 'hidden';
}

/**
 * A lead's message follows its lead (visible and live, else 404); a system message is its recipient's and
 * the admins'.
 */
async function visibleMessage(trx: Tx, ctx: RequestContext, id: string): Promise<repo.MessageRow> {
  const row = await repo.findMessage(trx, id);
  if (!row) throw notFound('email');
  if (row.lead_id) {
    if (!(await findVisibleLead(trx, ctx.actor, row.lead_id))) throw notFound('email');
  } else if (!mayManageKept(ctx.actor, { ownerId: row.to_user_id })) {
    throw notFound('email');
  }
  return row;
}

export async function listLeadEmails(
  deps: Deps,
  ctx: RequestContext,
  leadId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(query.cursor, ['number', 'uuid']);
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await visibleLead(trx, ctx, leadId);
    const before = after ? { atUs: Number(after[0]), id: String(after[1]) } : null;
    const rows = await repo.listLeadMessages(trx, leadId, before, query.limit + 1);
    const page = toPage(rows, query.limit, (r) => [Number(r.at_us), r.id]);
    const show = await showsAddresses(trx, ctx);
    return { data: page.data.map((r) => toMessage(r, show)), nextCursor: page.nextCursor };
  });
}

/** The outbox: messages the caller may see across leads (and its own system mail), e.g. what failed. */
export async function listEmails(
  deps: Deps,
  ctx: RequestContext,
  query: { limit: number; cursor?: string | undefined; status?: string | undefined; purpose?: string | undefined },
) {
  const after = decodeCursor(query.cursor, ['number', 'uuid']);
  const statuses = query.status ? [...new Set(query.status.split(',').map((s) => s.trim()))].filter(Boolean) : null;
  const unknown = (statuses ?? []).filter((s) => !(knownStatuses as readonly string[]).includes(s));
  if (unknown.length > 0) throw fieldError('validation_failed', 'status', `unknown status: ${unknown.join(', ')}`);
  const actor = ctx.actor;
  const owner = keptScope(actor);
  const ownSystem = owner === null ? sql<SqlBool>`true` : sql<SqlBool>`m.to_user_id = ${owner}`;
  const visible = sql<SqlBool>`(
    (m.purpose = 'lead' AND EXISTS (
      SELECT 1 FROM leads l WHERE l.company_id = m.company_id AND l.id = m.lead_id AND ${leadIsLive} AND ${leadVisibleTo(actor)}))
    OR (m.purpose = 'system' AND ${ownSystem}))`;
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const before = after ? { atUs: Number(after[0]), id: String(after[1]) } : null;
    const rows = await repo.listMessages(trx, visible, {
      statuses,
      purpose: query.purpose ?? null,
      before,
      limit: query.limit + 1,
    });
    const page = toPage(rows, query.limit, (r) => [Number(r.at_us), r.id]);
    const show = await showsAddresses(trx, ctx);
    return { data: page.data.map((r) => toMessage(r, show || r.purpose === 'system')), nextCursor: page.nextCursor };
  });
}

export async function getEmail(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await visibleMessage(trx, ctx, id);
    return toMessage(row, row.purpose === 'system' || (await showsAddresses(trx, ctx)));
  });
}

/**
 * Sends a failed message again (a fresh round of attempts), or brings a waiting retry forward to now (the
 * server is back: no need to wait for the backoff). Anything else is already on its way or delivered: 409.
 */
export async function retryEmail(deps: Deps, ctx: RequestContext, id: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    const row = await visibleMessage(trx, ctx, id);
    const locked = await repo.lockMessage(trx, row.id);
    if (!locked) throw notFound('email');
    const now = deps.clock.now();
    if (locked.status === 'retrying' && locked.job_id && (await repo.runJobNow(trx, locked.job_id, now))) {
      await repo.updateMessage(trx, id, { next_attempt_at: now, updated_at: now });
      await wake(trx, emailSendJob.kind);
    } else if (locked.status === 'failed') {
      if (!(await repo.findSettings(trx))) throw notConfigured();
      const jobId = await queueAgain(trx, id, now);
      await repo.updateMessage(trx, id, {
        status: 'queued',
        attempts: 0,
        job_id: jobId,
        failed_at: null,
        next_attempt_at: null,
        updated_at: now,
      });
    } else {
      throw new AppError('conflict', `Only a failed or retrying email can be sent again; this one is ${locked.status}`);
    }
    await recordAudit(trx, ctx, {
      action: 'email.retried',
      entityType: 'email',
      entityId: id,
      before: { status: locked.status },
      after: { status: locked.status === 'failed' ? 'queued' : locked.status },
    });
    return message(trx, id, row.purpose === 'system' || (await showsAddresses(trx, ctx)));
  });
}

async function queueAgain(trx: Tx, messageId: string, now: Date): Promise<string> {
  return enqueue(trx, emailSendJob, { messageId }, { runAt: now });
}
