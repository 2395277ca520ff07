import { Type } from 'typebox';
import { defineJob } from '../../jobs/define.ts';

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

export const ticketsJobs = [slaJob, replyEmailJob];
