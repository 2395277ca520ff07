/** Emails and WhatsApp messages on the leads the caller sees: sent, delivered, opened, read, replied. */
import { type RawBuilder, sql } from 'kysely';
import { leadIsLive } from '../../leads/scope.ts';
import type { FactTable } from '../dialect.ts';
import type { CompileContext, Dimension, Subject } from '../semantic.ts';
import { userDimension } from './lead-parts.ts';

const count = (c: CompileContext, where: RawBuilder<unknown>) => c.d.count(where);
const text = (label: string, column: string): Dimension => ({ label, kind: 'text', expr: () => sql.ref(column) });
const withLead = (c: CompileContext, table: FactTable, alias: string) =>
  sql`${c.d.table(table, alias)} JOIN ${c.d.table('leads', 'l')} ON l.company_id = ${sql.ref(`${alias}.company_id`)}
    AND l.id = ${sql.ref(`${alias}.lead_id`)}`;

export const emailsSubject: Subject = {
  key: 'emails',
  label: 'Emails',
  description: 'Emails sent to leads from iPerform, with their opens and clicks',
  from: (c) => withLead(c, 'email_messages', 'm'),
  scope: (c) => [c.leadScope, leadIsLive],
  permission: 'activities:read',
  leadFilters: true,
  list: null,
  timeFields: {
    sentAt: { label: 'Sent at', expr: sql`m.sent_at` },
    createdAt: { label: 'Written at', expr: sql`m.created_at` },
  },
  defaultTime: 'sentAt',
  dimensions: {
    senderId: userDimension('Sender', sql`m.sender_id`, null),
    status: text('Status', 'm.status'),
    template: text('Template', 'm.template_name'),
    leadOwnerId: userDimension('Lead owner', sql`l.owner_id`, null, { field: 'ownerId' }),
  },
  measures: {
    emails: { label: 'Emails', format: 'count', expr: (c) => c.d.count() },
    sent: { label: 'Sent', format: 'count', expr: (c) => count(c, sql`m.sent_at IS NOT NULL`) },
    opened: { label: 'Opened', format: 'count', expr: (c) => count(c, sql`m.first_opened_at IS NOT NULL`) },
    clicked: { label: 'Clicked', format: 'count', expr: (c) => count(c, sql`m.first_clicked_at IS NOT NULL`) },
    failed: { label: 'Failed', format: 'count', expr: (c) => count(c, sql`m.status = 'failed'`) },
    openRate: {
      label: 'Open rate',
      format: 'percent',
      expr: (c) => c.d.ratio(count(c, sql`m.first_opened_at IS NOT NULL`), count(c, sql`m.sent_at IS NOT NULL`)),
    },
    clickRate: {
      label: 'Click rate',
      format: 'percent',
      expr: (c) => c.d.ratio(count(c, sql`m.first_clicked_at IS NOT NULL`), count(c, sql`m.sent_at IS NOT NULL`)),
    },
  },
};

export const whatsappSubject: Subject = {
  key: 'whatsapp',
  label: 'WhatsApp',
  description: 'WhatsApp messages to and from leads, with delivery and read receipts',
  from: (c) => withLead(c, 'whatsapp_messages', 'w'),
  scope: (c) => [c.leadScope, leadIsLive],
  permission: 'activities:read',
  leadFilters: true,
  list: null,
  timeFields: { at: { label: 'At', expr: sql`w.at` } },
  defaultTime: 'at',
  dimensions: {
    sentBy: userDimension('Sent by', sql`w.sent_by`, null),
    direction: text('Direction', 'w.direction'),
    status: text('Status', 'w.status'),
    type: text('Type', 'w.type'),
    template: text('Template', 'w.template_name'),
    leadOwnerId: userDimension('Lead owner', sql`l.owner_id`, null, { field: 'ownerId' }),
  },
  measures: {
    messages: { label: 'Messages', format: 'count', expr: (c) => c.d.count() },
    sent: { label: 'Sent', format: 'count', expr: (c) => count(c, sql`w.direction = 'outbound'`) },
    delivered: {
      label: 'Delivered',
      format: 'count',
      expr: (c) => count(c, sql`w.direction = 'outbound' AND w.delivered_at IS NOT NULL`),
    },
    read: {
      label: 'Read',
      format: 'count',
      expr: (c) => count(c, sql`w.direction = 'outbound' AND w.read_at IS NOT NULL`),
    },
    failed: {
      label: 'Failed',
      format: 'count',
      expr: (c) => count(c, sql`w.direction = 'outbound' AND w.failed_at IS NOT NULL`),
    },
    received: { label: 'Received', format: 'count', expr: (c) => count(c, sql`w.direction = 'inbound'`) },
    repliedLeads: {
      label: 'Leads who replied',
      format: 'count',
      expr: (c) => c.d.countDistinct(sql`w.lead_id`, sql`w.direction = 'inbound'`),
    },
    readRate: {
      label: 'Read rate',
      format: 'percent',
      expr: (c) =>
        c.d.ratio(
          count(c, sql`w.direction = 'outbound' AND w.read_at IS NOT NULL`),
          count(c, sql`w.direction = 'outbound'`),
        ),
    },
  },
};
