import type { Insertable } from 'kysely';
import type { Tx } from '../../db/client.ts';
import type { EmailMessages } from '../../db/types.ts';
import type { Deps } from '../../http/context.ts';
import { errorCodes } from '../../http/errors.ts';
import { enqueue } from '../../jobs/queue.ts';
import { newId } from '../../lib/ids.ts';
import { emailSendJob } from './email.jobs.ts';
import { htmlToText } from './email.render.ts';
import * as repo from './email.repository.ts';
import { type MailAttachment, messageIdFor } from './email.smtp.ts';

/**
 * Stores a message as queued and enqueues its send job, both in the caller's transaction: the message and
 * the job that will send it commit together or not at all.
 */
export async function queueMessage(
  trx: Tx,
  deps: Deps,
  row: Omit<Insertable<EmailMessages>, 'status' | 'job_id' | 'smtp_message_id' | 'created_at' | 'updated_at'> & {
    id: string;
    company_id: string;
  },
): Promise<void> {
  const now = deps.clock.now();
  const jobId = await enqueue(trx, emailSendJob, { messageId: row.id }, { runAt: now });
  await repo.insertMessage(trx, {
    ...row,
    status: 'queued',
    job_id: jobId,
    smtp_message_id: messageIdFor(row.id, row.from_address ?? null),
    created_at: now,
    updated_at: now,
  });
}

export interface SystemEmail {
  companyId: string;
  toUserId: string;
  subject: string;
  text: string;
  html?: string | null;
  /** Files to send with it (a scheduled report); kept beside the message until it is sent. */
  attachments?: MailAttachment[];
}

/**
 * An email to one of the company's users (a reminder), not to a lead: on no timeline, never tracked, sent by
 * the same job with the same retries. It never throws for a company without an SMTP server or for an
 * inactive user: the message is then recorded as failed with the reason (`email_not_configured`,
 * `recipient_inactive`), so nothing is dropped silently. Call it inside the tenant transaction of the write
 * that causes it.
 */
export async function enqueueSystemEmail(
  trx: Tx,
  deps: Deps,
  input: SystemEmail,
): Promise<{ id: string; status: 'queued' | 'failed' }> {
  const user = await trx
    .selectFrom('users')
    .select(['email', 'active'])
    .where('id', '=', input.toUserId)
    .executeTakeFirst();
  if (!user) throw new Error(`enqueueSystemEmail: no user ${input.toUserId} in this company`);
  const settings = await repo.findSettings(trx);
  const id = newId();
  const now = deps.clock.now();
  const html = input.html ?? null;
  const base = {
    company_id: input.companyId,
    id,
    purpose: 'system',
    lead_id: null,
    to_user_id: input.toUserId,
    sender_id: null,
    to_addresses: [user.email],
    subject:
      input.subject
        .replace(/\s*[\r\n]+\s*/g, ' ')
        .trim()
        .slice(0, 998) || '(no subject)',
    html,
    text: input.text || (html ? htmlToText(html) : ''),
    track_opens: false,
    track_clicks: false,
  };
  const failure = !settings
    ? { code: 'email_not_configured' as const, message: errorCodes.email_not_configured.title }
    : !user.active
      ? { code: 'recipient_inactive', message: 'The user it was for has been deactivated' }
      : null;
  if (failure || !settings) {
    await repo.insertMessage(trx, {
      ...base,
      from_name: settings?.from_name ?? null,
      from_address: settings?.from_address ?? null,
      reply_to: settings?.reply_to ?? null,
      status: 'failed',
      error_code: failure?.code ?? 'email_not_configured',
      last_error: failure?.message ?? errorCodes.email_not_configured.title,
      failed_at: now,
      smtp_message_id: messageIdFor(id, settings?.from_address ?? null),
      created_at: now,
      updated_at: now,
    });
    await repo.insertAttachments(trx, input.companyId, id, input.attachments ?? []);
    return { id, status: 'failed' };
  }
  await queueMessage(trx, deps, {
    ...base,
    from_name: settings.from_name,
    from_address: settings.from_address,
    reply_to: settings.reply_to,
  });
  await repo.insertAttachments(trx, input.companyId, id, input.attachments ?? []);
  return { id, status: 'queued' };
}
