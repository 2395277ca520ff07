import { Button, Group } from '@mantine/core';
import { IconBrandWhatsapp, IconCalendarPlus, IconMail, IconPhoneCall } from '@tabler/icons-react';
import { useState } from 'react';
import { LogCallModal } from '../activities/LogCallModal';
import { ScheduleModal } from '../activities/ScheduleModal';
import { useCan } from '../auth/session';
import { EmailComposer } from '../messaging/EmailComposer';
import { WhatsAppComposer } from '../messaging/WhatsAppComposer';
import type { Lead } from './leads.types';

type Open = 'call' | 'follow-up' | 'email' | 'whatsapp' | null;

/** What a salesperson does next with a lead, one click away: log a call, plan a follow-up, email, WhatsApp. */
export function LeadQuickActions({ lead }: { lead: Lead }) {
  const canLog = useCan('activities:write');
  const canEmail = useCan('email:send');
  const canWhatsApp = useCan('whatsapp:send');
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  if (!canLog && !canEmail && !canWhatsApp) return null;
  const hasPhone = (lead.phones?.length ?? 0) > 0;

  return (
    <>
      <Group gap="xs" wrap="wrap" role="toolbar" aria-label="Quick actions">
        {canLog && (
          <>
            <Button size="xs" variant="light" leftSection={<IconPhoneCall size={16} />} onClick={() => setOpen('call')}>
              Log call
            </Button>
            <Button
              size="xs"
              variant="light"
              leftSection={<IconCalendarPlus size={16} />}
              onClick={() => setOpen('follow-up')}
            >
              Schedule follow-up
            </Button>
          </>
        )}
        {canEmail && (
          <Button size="xs" variant="light" leftSection={<IconMail size={16} />} onClick={() => setOpen('email')}>
            Email
          </Button>
        )}
        {canWhatsApp && (
          <Button
            size="xs"
            variant="light"
            color="green"
            leftSection={<IconBrandWhatsapp size={16} />}
            onClick={() => setOpen('whatsapp')}
            title={hasPhone || lead.phones === undefined ? undefined : 'This lead has no phone number'}
          >
            WhatsApp
          </Button>
        )}
      </Group>
      <LogCallModal lead={lead} opened={open === 'call'} onClose={close} />
      <ScheduleModal lead={lead} opened={open === 'follow-up'} onClose={close} />
      <EmailComposer lead={lead} opened={open === 'email'} onClose={close} />
      <WhatsAppComposer lead={lead} opened={open === 'whatsapp'} onClose={close} />
    </>
  );
}
