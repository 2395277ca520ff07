import { type LeadRow, leadValues } from '../leads/index.ts';
import { pickedData, pickedEventTypes } from './webhooks.picked.ts';

/**
 * The events an endpoint may subscribe to: each is captured in the transaction of the change that causes it
 * (the triggers of migration 0021 on `leads` and `activities`, and of 0026 on `email_messages`,
 * `whatsapp_messages` and `imports`).
 */
export const eventTypes = [
  'lead.created',
  'lead.updated',
  'lead.stage_changed',
  'lead.assigned',
  'lead.merged',
  'lead.deleted',
  'lead.restored',
  'activity.created',
  'activity.completed',
  'activity.missed',
  ...pickedEventTypes,
] as const;
export type EventType = (typeof eventTypes)[number];

/** The message the "send a test" button sends, to one endpoint whatever its event types. */
export const TEST_EVENT = 'webhook.test';

/** The lead fields an endpoint's filter may compare (equality). */
export const filterFields = ['stage', 'source', 'ownerId'] as const;
export type EndpointFilter = Partial<Record<(typeof filterFields)[number], string>>;

type Row = Record<string, unknown>;

const iso = (value: unknown) =>
  typeof value === 'string' || value instanceof Date ? new Date(value).toISOString() : null;

/** A lead as a webhook carries it: every field in API terms (the lead catalog's), and its system fields. */
function leadData(row: Row): Row {
  return {
    id: row.id,
    ...leadValues(row as unknown as LeadRow),
    name: row.name,
    stage: row.stage,
    createdAt: iso(row.created_at),
    createdBy: row.created_by ?? null,
    updatedAt: iso(row.updated_at),
    deletedAt: iso(row.deleted_at),
    mergedInto: row.merged_into ?? null,
  };
}

function activityData(row: Row): Row {
  return {
    id: row.id,
    leadId: row.lead_id,
    type: row.type,
    title: row.title,
    status: row.status,
    dueAt: iso(row.due_at),
    assigneeId: row.assignee_id,
    notes: row.notes ?? null,
    outcome: row.outcome ?? null,
    completedAt: iso(row.completed_at),
    completedBy: row.completed_by ?? null,
    missedAt: iso(row.missed_at),
    createdAt: iso(row.created_at),
    createdBy: row.created_by ?? null,
  };
}

/** The `data` of an event's message, from the row as it was written (and before, for changes). */
export function eventData(type: string, row: Row, previous: Row | null): Row {
  if (type === TEST_EVENT) return row;
  if ((pickedEventTypes as readonly string[]).includes(type)) return pickedData(row);
  if (type.startsWith('activity.')) return activityData(row);
  const data = leadData(row);
  if (previous === null) return data;
  const before = leadData(previous);
  if (type === 'lead.stage_changed') return { ...data, previousStage: before.stage };
  if (type === 'lead.assigned') return { ...data, previousOwnerId: before.ownerId ?? null };
  if (type === 'lead.updated') {
    const changes = Object.keys(data).filter(
      (key) => key !== 'updatedAt' && JSON.stringify(data[key]) !== JSON.stringify(before[key]),
    );
    return { ...data, changes };
  }
  return data;
}

/** Whether a message passes an endpoint's filter: lead events compare the lead's fields; others always pass. */
export function passesFilter(type: string, data: Row, filter: EndpointFilter): boolean {
  if (!type.startsWith('lead.')) return true;
  return Object.entries(filter).every(([key, value]) => value === undefined || data[key] === value);
}

/** The exact body sent and signed: `{type, timestamp, data}`. */
export function messageBody(type: string, occurredAt: Date, data: Row): string {
  return JSON.stringify({ type, timestamp: occurredAt.toISOString(), data });
}

/** The `webhook-id` of an event's message: the same on every attempt and replay. */
export const messageId = (eventId: string) => `msg_${eventId.replaceAll('-', '')}`;
