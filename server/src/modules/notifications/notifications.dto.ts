import type { NotificationRow } from './notifications.repository.ts';

export function toNotification(row: NotificationRow) {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    leadId: row.lead_id,
    at: row.at ? new Date(row.at).toISOString() : null,
    readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export type NotificationDto = ReturnType<typeof toNotification>;
