import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';
import { cron } from '../../jobs/schedule.ts';

export const SlaPayload = Type.Object(
  {
    ticketId: Type.String({ format: 'uuid' }),
    clock: Type.Union([Type.Literal('first_response'), Type.Literal('resolution')]),
    stage: Type.Union([Type.Literal('warn'), Type.Literal('breach')]),
    dueAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const ReplyPayload = Type.Object(
  { messageId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/**
 * A warning (at 80% of the target) or a breach of one SLA clock of a ticket, carrying the due time it was
 * planned for: a job left behind by a priority change, a reply or a solve finds nothing to do.
 */
export const slaJob = defineJob({
  kind: 'tickets.sla',
  payload: SlaPayload,
  handler: async (trx, deps, job) => (await import('./tickets.sla-jobs.ts')).checkSla(trx, deps, job),
});

/** Emails one public reply to the ticket's requester through the company's SMTP server. */
export const replyEmailJob = defineJob({
  kind: 'tickets.reply_email',
  payload: ReplyPayload,
  handler: async (trx, deps, job) => (await import('./tickets.reply-email.ts')).sendReply(trx, deps, job),
});

export const RatingEmailPayload = Type.Object(
  { ticketId: Type.String({ format: 'uuid' }), solvedAt: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);

/**
 * Emails the requester that the ticket is solved, with the one-click satisfaction links of that solve; a ticket
 * reopened (or solved again) before it runs finds nothing to do.
 */
export const ratingEmailJob = defineJob({
  kind: 'tickets.rating_email',
  payload: RatingEmailPayload,
  handler: async (trx, deps, job) => (await import('./tickets.rating-email.ts')).sendSolvedEmail(trx, deps, job),
});

/**
 * Reads each company's support mailbox every two minutes (a company without one, or with it off, does nothing):
 * new mail opens tickets or joins their threads (tickets.mailbox-poll.ts).
 */
export const mailboxPollJob = defineJob({
  kind: 'tickets.mailbox_poll',
  schedule: cron('*/2 * * * *'),
  handler: async (trx, deps, job) => (await import('./tickets.mailbox-poll.ts')).pollJob(trx, deps, job),
  concurrency: 4,
});

export const ticketsJobs = [slaJob, replyEmailJob, ratingEmailJob, mailboxPollJob];
