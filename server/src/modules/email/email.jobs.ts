import { type Static, Type } from 'typebox';
import { type Tx, withTenant } from '../../db/client.ts';
import type { Deps } from '../../http/context.ts';
import { AppError, errorCodes } from '../../http/errors.ts';
import { defineJob, MAX_ATTEMPTS, retryDelayMs } from '../../jobs/define.ts';
import { enqueue, type Job } from '../../jobs/queue.ts';
import { notify } from '../notifications/index.ts';
import * as repo from './email.repository.ts';
import { loadServer } from './email.settings.ts';
import { classifySmtpError, sendMail } from './email.smtp.ts';
import { trackedHtml } from './email.tracking.ts';

const SendPayload = Type.Object({ messageId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

/**
 * Sends one stored message. Each attempt is a job of its own (the message names its current one), so the
 * message's retries are written on it; the runner's own retries cover a crash mid-send.
 */
export const emailSendJob = defineJob({
  kind: 'email.send',
  payload: SendPayload,
  handler: (trx, deps, job) => sendEmailJob(trx, deps, job),
});

export const emailJobs = [emailSendJob];

interface Failure {
  code: string;
  message: string;
  reply: string | null;
}

/**
 * Sends one queued message with the company's current settings (the password is opened only now). A failure
 * is written on the message in this same transaction: a temporary one (unreachable, TLS, authentication, a
 * 4xx) makes it `retrying` with the error and queues the next attempt after the job runner's backoff (30 s,
 * 2, 8, 32 min); a permanent one (a 5xx refusal) or the last attempt makes it `failed` with the server's reply
 * and tells the sender. Each attempt is its own job, and a job that is not the message's current one does
 * nothing, so a message is never sent twice by two jobs.
 */
export async function sendEmailJob(trx: Tx, deps: Deps, job: Job<Static<typeof SendPayload>>): Promise<void> {
  const id = job.payload.messageId;
  // Committed at once, apart from this job's transaction, so the list shows it while the server is talked to.
  await withTenant(deps.db, job.companyId, (t) => repo.markSending(t, id, deps.clock.now()));
  const message = await repo.lockMessage(trx, id);
  if (!message || !repo.PENDING_STATUSES.includes(message.status as repo.MessageStatus)) return;
  if (message.job_id !== job.id) return;
  const attempts = message.attempts + 1;

  let loaded: Awaited<ReturnType<typeof loadServer>>;
  try {
    loaded = await loadServer(trx, deps, job.companyId);
  } catch (error) {
    const text = error instanceof AppError ? (error.detail ?? error.message) : String(error);
    return fail(trx, deps, message, attempts, { code: 'password_unreadable', message: text, reply: null });
  }
  if (!loaded) {
    const failure = { code: 'email_not_configured', message: errorCodes.email_not_configured.title, reply: null };
    return fail(trx, deps, message, attempts, failure);
  }
  const from = await fromFor(trx, loaded.settings, message.purpose === 'lead' ? message.sender_id : null);
  const wire = await trackedHtml(trx, deps, message);
  // Only system mail carries files (a scheduled report); a lead email has none, so it pays no lookup.
  const attachments = message.purpose === 'system' ? await repo.listAttachments(trx, id) : [];
  try {
    const info = await sendMail(loaded.server, {
      from: { name: from.from_name, address: from.from_address },
      replyTo: from.reply_to,
      to: message.to_addresses,
      cc: message.cc_addresses,
      bcc: message.bcc_addresses,
      subject: message.subject,
      html: wire.html,
      text: message.text,
      messageId: message.smtp_message_id,
      attachments,
    });
    const now = deps.clock.now();
    await repo.updateMessage(trx, id, {
      ...from,
      status: 'sent',
      attempts,
      sent_at: now,
      last_reply: info.response?.slice(0, 1000) ?? null,
      error_code: null,
      last_error: null,
      next_attempt_at: null,
      job_id: null,
      links: JSON.stringify(wire.links),
      updated_at: now,
    });
    // Sent files are not kept: they are copies of data (a report) the mailbox now holds.
    if (attachments.length > 0) await repo.deleteAttachments(trx, id);
  } catch (error) {
    const failure = classifySmtpError(error);
    if (failure.permanent || attempts >= MAX_ATTEMPTS) {
      return fail(trx, deps, message, attempts, { code: failure.code, message: failure.message, reply: failure.reply });
    }
    const now = deps.clock.now();
    const next = new Date(now.getTime() + retryDelayMs(attempts));
    const jobId = await enqueue(trx, emailSendJob, { messageId: id }, { runAt: next, now });
    await repo.updateMessage(trx, id, {
      status: 'retrying',
      attempts,
      error_code: failure.code,
      last_error: failure.message,
      last_reply: failure.reply,
      next_attempt_at: next,
      job_id: jobId,
      updated_at: now,
    });
  }
}

/**
 * From the company's address; a lead email carries its sender's name and takes replies at the sender's own
 * address unless the company set a reply-to for all mail.
 */
export async function fromFor(trx: Tx, settings: repo.SettingsRow, senderId: string | null) {
  const sender = senderId
    ? await trx.selectFrom('users').select(['name', 'email']).where('id', '=', senderId).executeTakeFirst()
    : undefined;
  return {
    from_name: sender?.name ?? settings.from_name,
    from_address: settings.from_address,
    reply_to: settings.reply_to ?? sender?.email ?? null,
  };
}

async function fail(trx: Tx, deps: Deps, message: repo.LockedMessage, attempts: number, failure: Failure) {
  const now = deps.clock.now();
  await repo.updateMessage(trx, message.id, {
    status: 'failed',
    attempts,
    error_code: failure.code,
    last_error: failure.message,
    last_reply: failure.reply,
    failed_at: now,
    next_attempt_at: null,
    job_id: null,
    updated_at: now,
  });
  if (message.purpose === 'lead' && message.sender_id) {
    await notify(trx, {
      companyId: message.company_id,
      userId: message.sender_id,
      kind: 'email.failed',
      title: `Your email "${message.subject.slice(0, 120)}" could not be sent`,
      body: `${failure.message} — open it on the lead to retry.`,
      leadId: message.lead_id,
      now,
    });
  }
}
