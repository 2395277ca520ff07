import { Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import type { TimelineSource } from '../timeline/index.ts';
import * as repo from './email.repository.ts';

const Time = Type.String({ format: 'date-time' });
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** An email sent (or being sent) to the lead: what, to whom, how it went, and whether it was read. */
export const emailSource: TimelineSource = {
  kind: 'email',
  schema: Type.Object({
    messageId: Type.String({ format: 'uuid' }),
    subject: Type.String(),
    to: Type.Array(Type.String(), { description: "Empty for a role that may not see the lead's addresses" }),
    status: Type.String({ description: 'queued, sending, retrying, sent or failed' }),
    lastError: Nullable(Type.String()),
    template: Nullable(Type.String({ description: "The template's name" })),
    opens: Type.Integer(),
    clicks: Type.Integer(),
    firstOpenedAt: Nullable(Time),
    sentAt: Nullable(Time),
  }),
  async load(trx, q) {
    const rows = await repo.listLeadMessages(trx, q.lead.id, q.before, q.limit);
    const showAddresses = q.access.fields.emails !== 'hidden';
    return rows.map((r) => ({
      id: r.id,
      atUs: Number(r.at_us),
      kind: 'email',
      actor: r.sender_id ? { id: r.sender_id, name: r.sender_name ?? '' } : null,
      data: {
        messageId: r.id,
        subject: r.subject,
        to: showAddresses ? r.to_addresses : [],
        status: r.status,
        lastError: r.last_error,
        template: r.template_name,
        opens: r.open_count,
        clicks: r.click_count,
        firstOpenedAt: iso(r.first_opened_at),
        sentAt: iso(r.sent_at),
      },
    }));
  },
};

/** The lead read an email (its first open) or clicked one of its links (every click); no actor: the lead did. */
export const emailEventSource: TimelineSource = {
  kind: 'email_event',
  schema: Type.Object({
    event: Type.String({ description: 'opened or clicked' }),
    messageId: Type.String({ format: 'uuid' }),
    subject: Type.String(),
    url: Nullable(Type.String({ description: 'The link clicked' })),
  }),
  async load(trx, q) {
    const rows = await repo.leadEvents(trx, q.lead.id, q.before, q.limit);
    return rows.map((r) => ({
      id: r.id,
      atUs: Number(r.at_us),
      kind: 'email_event',
      actor: null,
      data: {
        event: r.kind === 'open' ? 'opened' : 'clicked',
        messageId: r.message_id,
        subject: r.subject,
        url: r.url,
      },
    }));
  },
};
