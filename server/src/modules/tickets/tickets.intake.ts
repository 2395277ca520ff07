import type { Tx } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { leadIdByEmail } from '../leads/index.ts';
import { referenceOf } from './tickets.dto.ts';
import * as repo from './tickets.repository.ts';
import { createTicketIn } from './tickets.service.ts';

/**
 * What customers open themselves, by the support form or the support mailbox: the ticket is raised through the
 * module's one create path (numbering, SLA, audit) as the user who set the channel up, seeing every lead so the
 * customer is found by email; a later message joins the thread as the customer's.
 */

export type Channel = 'support_form' | 'email';

export interface Customer {
  name: string | null;
  email: string;
}

/**
 * The context a channel acts in: the user who set it up (the creator of its tickets and the actor of their audit
 * rows), seeing as an admin does, under the request (or job) that brought the message.
 */
export async function channelContext(
  trx: Tx,
  companyId: string,
  userId: string,
  origin: { requestId: string; ip: string; userAgent: string | null },
): Promise<RequestContext | null> {
  const user = await trx
    .selectFrom('users')
    .select(['id', 'name', 'email', 'manager_id'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) return null;
  return {
    actor: {
      userId: user.id,
      companyId,
      role: 'ADMIN',
      name: user.name,
      email: user.email,
      managerId: user.manager_id,
      sessionId: null,
      apiKeyId: null,
    },
    ...origin,
  };
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Opens a ticket for a customer: priority normal, requester the customer, lead the one with that email if any. */
export async function openCustomerTicket(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  input: { subject: string; body: string; customer: Customer; channel: Channel },
): Promise<{ id: string; reference: string; leadId: string | null }> {
  const leadId = await leadIdByEmail(trx, input.customer.email);
  const ticket = await createTicketIn(trx, deps, ctx, {
    subject: oneLine(input.subject).slice(0, 200) || '(no subject)',
    description: input.body.slice(0, 20_000),
    ...(leadId ? { leadId } : {}),
    requesterName: input.customer.name ? oneLine(input.customer.name).slice(0, 200) || null : null,
    requesterEmail: input.customer.email,
    priority: 'normal',
  });
  await trx.updateTable('tickets').set({ channel: input.channel }).where('id', '=', ticket.id).execute();
  return { id: ticket.id, reference: ticket.reference, leadId };
}

/**
 * Adds a customer's message to a ticket's thread (public, never emailed back). A ticket waiting on the customer
 * (pending) is open again. Audited as `ticket.customer_replied`.
 */
export async function addCustomerMessage(
  trx: Tx,
  deps: Deps,
  ctx: RequestContext,
  ticketId: string,
  input: { body: string; customer: Customer; channel: Channel; emailMessageId?: string | null },
): Promise<{ messageId: string; reference: string }> {
  const ticket = await repo.findTicket(trx, ticketId, repo.anyTicket, { lock: true });
  if (!ticket) throw new Error(`ticket ${ticketId} is gone`);
  const now = deps.clock.now();
  const id = newId();
  await trx
    .insertInto('ticket_messages')
    .values({
      company_id: ctx.actor.companyId,
      id,
      ticket_id: ticketId,
      author_id: null,
      from_name: input.customer.name ? oneLine(input.customer.name).slice(0, 200) || null : null,
      from_email: input.customer.email,
      email_message_id: input.emailMessageId ?? null,
      body: input.body.slice(0, 20_000) || '(empty message)',
      internal: false,
      created_at: now,
    })
    .execute();
  const reopens = ticket.status === 'pending';
  await trx
    .updateTable('tickets')
    .set({ ...(reopens ? { status: 'open' } : {}), version: ticket.version + 1, updated_at: now })
    .where('id', '=', ticketId)
    .execute();
  await recordAudit(trx, ctx, {
    action: 'ticket.customer_replied',
    entityType: 'ticket',
    entityId: ticketId,
    before: reopens ? { status: ticket.status } : null,
    after: {
      messageId: id,
      from: input.customer.email,
      channel: input.channel,
      ...(reopens ? { status: 'open' } : {}),
    },
    at: now,
  });
  return { messageId: id, reference: referenceOf(ticket.number) };
}

/** The ticket of the tenant with that reference number, if any. */
export async function ticketByNumber(trx: Tx, number: number) {
  return trx
    .selectFrom('tickets')
    .select(['id', 'number', 'requester_email', 'status'])
    .where('number', '=', number)
    .executeTakeFirst();
}

/** `T-1001` (or `[T-1001]` in a subject) as its number. */
export function referenceNumber(text: string, bracketed: boolean): number | null {
  const match = bracketed ? /\[T-(\d{4,9})\]/i.exec(text) : /^\s*#?T-?(\d{4,9})\s*$/i.exec(text);
  return match?.[1] ? Number(match[1]) : null;
}
