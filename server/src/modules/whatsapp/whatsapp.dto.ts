import type { Updateable } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { FieldAccess } from '../leads/index.ts';
import type { MessageRow, StatusEvent } from './whatsapp.repository.ts';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** A message as the API shows it; the number is left out for a role that may not see the lead's phones. */
export function toMessage(row: MessageRow, access: FieldAccess) {
  return {
    id: row.id,
    leadId: row.lead_id,
    direction: row.direction as 'outbound' | 'inbound',
    type: row.type,
    phone: access.fields.phones === 'hidden' ? null : row.phone,
    contactName: row.contact_name,
    text: row.body,
    template: row.template_name
      ? { name: row.template_name, language: row.template_language ?? '', params: row.template_params }
      : null,
    content: row.direction === 'inbound' ? ((row.content as Record<string, unknown> | null) ?? null) : null,
    status: row.status as 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'received',
    wamid: row.wamid,
    error: row.error_title !== null ? { code: row.error_code, title: row.error_title, detail: row.error_detail } : null,
    attempts: row.attempts,
    sentBy: row.sent_by ? { id: row.sent_by, name: row.sent_by_name ?? '' } : null,
    at: new Date(row.at).toISOString(),
    sentAt: iso(row.sent_at),
    deliveredAt: iso(row.delivered_at),
    readAt: iso(row.read_at),
    failedAt: iso(row.failed_at),
  };
}

/**
 * How far a message got. Statuses arrive in any order and more than once: a message only moves forward, so a
 * late "delivered" never takes a read message back, and a failure after delivery does not undo the delivery.
 */
const progress: Record<string, number> = { queued: 0, sent: 1, failed: 2, delivered: 3, read: 4 };

export interface MessageState {
  status: string;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  failed_at: Date | null;
}

/** The columns a status event changes on an outbound message; empty when it tells nothing new. */
export function statusChanges(
  current: MessageState,
  event: StatusEvent,
  now: Date,
): Updateable<DB['whatsapp_messages']> {
  const changes: Updateable<DB['whatsapp_messages']> = {};
  const column = `${event.status}_at` as 'sent_at' | 'delivered_at' | 'read_at' | 'failed_at';
  if (current[column] === null) changes[column] = event.at;
  // Read implies delivered, delivered implies sent: a skipped status still gets its (earliest known) time.
  if (event.status === 'read' && current.delivered_at === null) changes.delivered_at = event.at;
  if ((event.status === 'read' || event.status === 'delivered') && current.sent_at === null) changes.sent_at = event.at;
  if ((progress[event.status] ?? 0) > (progress[current.status] ?? 0)) changes.status = event.status;
  if (event.status === 'failed' && changes.status === 'failed') {
    changes.error_code = event.errorCode;
    changes.error_title = event.errorTitle ?? 'WhatsApp could not deliver the message';
    changes.error_detail = event.errorDetail;
  }
  if (Object.keys(changes).length > 0) changes.updated_at = now;
  return changes;
}

/** The language of a template message when the sender names none. */
export const DEFAULT_TEMPLATE_LANGUAGE = 'en_US';
