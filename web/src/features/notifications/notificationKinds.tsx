import {
  IconAlarm,
  IconAlertTriangle,
  IconAt,
  IconBell,
  IconBrandWhatsapp,
  IconCalendarPlus,
  IconCalendarX,
  IconCopy,
  IconFileImport,
  IconLifebuoy,
  IconMailX,
  IconPlugConnectedX,
  IconStack2,
  IconUserShare,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import type { AppNotification } from './notifications.queries';

type Icon = ComponentType<{ size?: number | string; stroke?: number | string }>;

const kinds: Record<string, { icon: Icon; color: string }> = {
  'lead.assigned': { icon: IconUserShare, color: 'brand' },
  'lead.sla_missed': { icon: IconAlarm, color: 'orange' },
  'lead.mentioned': { icon: IconAt, color: 'violet' },
  'activity.assigned': { icon: IconCalendarPlus, color: 'brand' },
  'activity.due': { icon: IconBell, color: 'yellow' },
  'activity.missed': { icon: IconCalendarX, color: 'red' },
  whatsapp_inbound: { icon: IconBrandWhatsapp, color: 'green' },
  'email.failed': { icon: IconMailX, color: 'red' },
  bulk_action: { icon: IconStack2, color: 'gray' },
  'import.done': { icon: IconFileImport, color: 'teal' },
  'import.failed': { icon: IconFileImport, color: 'red' },
  duplicate_suspected: { icon: IconCopy, color: 'orange' },
  'lead.at_risk': { icon: IconAlertTriangle, color: 'orange' },
  'ticket.sla_warning': { icon: IconLifebuoy, color: 'yellow' },
  'ticket.sla_breach': { icon: IconLifebuoy, color: 'red' },
  'ticket.rated': { icon: IconLifebuoy, color: 'teal' },
  erp_connection_broken: { icon: IconPlugConnectedX, color: 'red' },
  facebook_connection_broken: { icon: IconPlugConnectedX, color: 'red' },
  webhook_disabled: { icon: IconPlugConnectedX, color: 'red' },
};

export function kindLook(kind: string): { icon: Icon; color: string } {
  return kinds[kind] ?? { icon: IconBell, color: 'gray' };
}

/** Where a notification takes you: its lead when it has one, else the page of what it is about. */
export function notificationTarget(notification: AppNotification): string | null {
  if (notification.leadId) return `/leads/${notification.leadId}`;
  if (notification.kind.startsWith('import.')) return '/leads/import';
  if (notification.kind.startsWith('activity.')) return '/my-day';
  if (notification.kind === 'bulk_action') return '/leads';
  if (notification.kind === 'lead.at_risk') return '/insights/at-risk';
  if (notification.kind.endsWith('_connection_broken') || notification.kind === 'webhook_disabled') {
    return '/settings/integrations';
  }
  return null;
}
