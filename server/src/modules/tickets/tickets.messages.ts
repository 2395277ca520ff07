import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps, RequestContext } from '../../http/context.ts';
import { enqueue } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { type AttachedFile, attachedFiles } from '../files/index.ts';
import { toMessage } from './tickets.dto.ts';
import { replyEmailJob } from './tickets.jobs.ts';
import * as repo from './tickets.repository.ts';
import type { CreateMessageInput } from './tickets.schemas.ts';
import { invalid, visibleTicket } from './tickets.service.ts';

/** The messages as the API shows them, each with the ticket's live files it points at. */
async function withFiles(trx: Tx, ticketId: string, rows: repo.MessageRow[]) {
  const links = await repo.messageFiles(
    trx,
    rows.map((r) => r.id),
  );
  const files = new Map(
    (await attachedFiles(trx, [...new Set(links.map((l) => l.file_id))], { ticketId })).map((f) => [f.id, f]),
  );
  const byMessage = new Map<string, AttachedFile[]>();
  for (const link of links) {
    const file = files.get(link.file_id);
    if (file) byMessage.set(link.message_id, [...(byMessage.get(link.message_id) ?? []), file]);
  }
  return rows.map((row) =>
    toMessage(
      row,
      (byMessage.get(row.id) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
    ),
  );
}

/** The thread of a ticket, oldest first: public replies and internal notes. */
export async function listMessages(deps: Deps, ctx: RequestContext, ticketId: string) {
  return withTenant(deps.db, ctx.actor.companyId, async (trx) => {
    await visibleTicket(trx, ctx.actor, ticketId);
    return { data: await withFiles(trx, ticketId, await repo.listMessages(trx, ticketId)) };
  });
}

/**
 * Adds a reply or an internal note. A note is never sent and changes nothing else. A public reply is emailed
 * to the requester (when the ticket has an address) by a job enqueued in this transaction; the first one stops
 * the first-response clock and moves a new ticket to open (a new version of the ticket).
 */
export async function addMessage(deps: Deps, ctx: RequestContext, ticketId: string, body: CreateMessageInput) {
  const { actor } = ctx;
  return withTenant(deps.db, actor.companyId, async (trx) => {
    const ticket = await visibleTicket(trx, actor, ticketId, true);
    const fileIds = body.fileIds ?? [];
    const found = new Set((await attachedFiles(trx, fileIds, { ticketId })).map((f) => f.id));
    const missing = fileIds.flatMap((fileId, i) =>
      found.has(fileId) ? [] : [{ path: `fileIds.${i}`, message: 'is not a file attached to this ticket' }],
    );
    if (missing.length > 0) invalid(missing);
    const now = deps.clock.now();
    const id = newId();
    const emailTo = body.internal ? null : ticket.requester_email;
    await trx
      .insertInto('ticket_messages')
      .values({
        company_id: actor.companyId,
        id,
        ticket_id: ticketId,
        author_id: actor.userId,
        body: body.body,
        internal: body.internal,
        email_to: emailTo,
        email_status: emailTo ? 'queued' : null,
        created_at: now,
      })
      .execute();
    await repo.insertMessageFiles(trx, actor.companyId, id, fileIds);
    if (emailTo) await enqueue(trx, replyEmailJob, { messageId: id }, { runAt: now, now });
    if (!body.internal) {
      const firstResponse = ticket.first_responded_at === null;
      const opens = ticket.status === 'new';
      if (firstResponse || opens) {
        await trx
          .updateTable('tickets')
          .set({
            ...(firstResponse ? { first_responded_at: now } : {}),
            ...(opens ? { status: 'open' } : {}),
            version: ticket.version + 1,
            updated_at: now,
          })
          .where('id', '=', ticketId)
          .execute();
      }
    }
    await recordAudit(trx, ctx, {
      action: body.internal ? 'ticket.note_added' : 'ticket.replied',
      entityType: 'ticket',
      entityId: ticketId,
      before: null,
      after: { messageId: id, internal: body.internal, emailedTo: emailTo, ...(fileIds.length ? { fileIds } : {}) },
      at: now,
    });
    const row = (await repo.listMessages(trx, ticketId)).find((m) => m.id === id);
    if (!row) throw new Error('the message just added is gone');
    return (await withFiles(trx, ticketId, [row]))[0] as ReturnType<typeof toMessage>;
  });
}
