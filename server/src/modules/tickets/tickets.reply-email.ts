import type { Static } from 'typebox';
import type { Tx } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import type { Job } from '../../jobs/queue.ts';
import { loadServer, messageIdFor, sendMail } from '../email/index.ts';
import { referenceOf } from './tickets.dto.ts';
import { type ReplyPayload, replyEmailJob } from './tickets.jobs.ts';
import * as repo from './tickets.repository.ts';

/** The subject of every email of a ticket: its reference first, so a reply can be matched to it. */
export const replySubject = (number: number, subject: string) =>
  `[${referenceOf(number)}] ${subject}`.replace(/\s*[\r\n]+\s*/g, ' ').slice(0, 998);

function failed(trx: Tx, id: string, error: string) {
  return trx
    .updateTable('ticket_messages')
    .set({ email_status: 'failed', email_error: error.slice(0, 1000) })
    .where('id', '=', id)
    .execute();
}

/**
 * Sends one public reply through the company's SMTP server and marks it sent in the job's transaction. A company
 * with no server marks it failed at once (nothing to retry); a server error is retried by the job, and the last
 * attempt's error is kept on the message.
 */
export async function sendReply(trx: Tx, deps: Deps, job: Job<Static<typeof ReplyPayload>>): Promise<void> {
  const message = await repo.findMessage(trx, job.payload.messageId);
  if (!message || message.internal || message.email_status !== 'queued' || !message.email_to) return;
  const ticket = await repo.findTicket(trx, message.ticket_id, repo.anyTicket);
  if (!ticket) return;
  const loaded = await loadServer(trx, deps, job.companyId);
  if (!loaded) {
    await failed(trx, message.id, 'No outgoing email server is set up (Settings → Email)');
    return;
  }
  const { settings, server } = loaded;
  try {
    await sendMail(server, {
      from: { name: settings.from_name, address: settings.from_address },
      replyTo: settings.reply_to,
      to: [message.email_to],
      cc: [],
      bcc: [],
      subject: `Re: ${replySubject(ticket.number, ticket.subject)}`,
      html: null,
      text: message.body,
      messageId: messageIdFor(message.id, settings.from_address),
    });
  } catch (error) {
    if (job.attempts < replyEmailJob.retry.attempts) throw error;
    await failed(trx, message.id, error instanceof Error ? error.message : String(error));
    return;
  }
  await trx
    .updateTable('ticket_messages')
    .set({ email_status: 'sent', email_error: null, email_message_id: messageIdFor(message.id, settings.from_address) })
    .where('id', '=', message.id)
    .execute();
}
