import type { AttachedFile } from '../files/index.ts';
import type { MessageRow, TicketRow } from './tickets.repository.ts';
import type { TicketPriority, TicketStatus } from './tickets.schemas.ts';

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

export const referenceOf = (number: number) => `T-${number}`;

function clock(dueAt: Date | string, stoppedAt: Date | string | null, now: Date) {
  const due = new Date(dueAt).getTime();
  // A running clock is breached from its due time on (when the breach is announced); a stopped one if it stopped late.
  const breached = stoppedAt === null ? now.getTime() >= due : new Date(stoppedAt).getTime() > due;
  return { dueAt: iso(dueAt), stoppedAt: isoOrNull(stoppedAt), breached };
}

export function toTicket(row: TicketRow, now: Date) {
  return {
    id: row.id,
    reference: referenceOf(row.number),
    subject: row.subject,
    description: row.description,
    leadId: row.lead_id,
    leadName: row.lead_name,
    requesterName: row.requester_name,
    requesterEmail: row.requester_email,
    priority: row.priority as TicketPriority,
    status: row.status as TicketStatus,
    category: row.category,
    assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? '' } : null,
    tags: row.tags,
    sla: {
      firstResponse: clock(row.first_response_due_at, row.first_responded_at, now),
      resolution: clock(row.resolution_due_at, row.solved_at, now),
    },
    createdBy: { id: row.created_by, name: row.creator_name },
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    solvedAt: isoOrNull(row.solved_at),
    channel: row.channel as 'agent' | 'support_form' | 'email',
    version: row.version,
  };
}

/** What the audit log keeps of a ticket. */
export function ticketSnapshot(row: TicketRow) {
  return {
    subject: row.subject,
    leadId: row.lead_id,
    requesterName: row.requester_name,
    requesterEmail: row.requester_email,
    priority: row.priority,
    status: row.status,
    category: row.category,
    assigneeId: row.assignee_id,
    tags: row.tags,
  };
}

export function toMessage(row: MessageRow, files: AttachedFile[] = []) {
  return {
    id: row.id,
    ticketId: row.ticket_id,
    author: row.author_id ? { id: row.author_id, name: row.author_name ?? '' } : null,
    from: row.from_email ? { name: row.from_name, email: row.from_email } : null,
    body: row.body,
    internal: row.internal,
    email:
      row.email_to && row.email_status ? { to: row.email_to, status: row.email_status, error: row.email_error } : null,
    files,
    createdAt: iso(row.created_at),
  };
}
