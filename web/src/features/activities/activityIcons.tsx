import {
  IconBrandWhatsapp,
  IconCalendarEvent,
  IconChecklist,
  IconMail,
  IconMapPin,
  IconNote,
  IconPhone,
  IconPhoneIncoming,
  IconPhoneOutgoing,
  IconPresentation,
  IconUsers,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';

type Icon = ComponentType<{ size?: number | string; stroke?: number | string }>;

const channelIcons: Record<string, Icon> = {
  call: IconPhone,
  meeting: IconUsers,
  demo: IconPresentation,
  site_visit: IconMapPin,
  email: IconMail,
  whatsapp: IconBrandWhatsapp,
  other: IconChecklist,
};

/** The picture of an activity: how a follow-up is to be done, else its type. */
export function activityIcon(activity: { type: string; channel: string | null; direction?: string | null }): Icon {
  if (activity.type === 'follow_up') return channelIcons[activity.channel ?? 'call'] ?? IconCalendarEvent;
  if (activity.type === 'meeting') return IconUsers;
  if (activity.type === 'call') return activity.direction === 'in' ? IconPhoneIncoming : IconPhoneOutgoing;
  if (activity.type === 'note') return IconNote;
  return IconCalendarEvent;
}
