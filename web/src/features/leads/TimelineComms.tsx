import { Anchor, Badge, Group, Stack, Text } from '@mantine/core';
import {
  IconArrowBackUp,
  IconBrandWhatsapp,
  IconGitMerge,
  IconMail,
  IconMailOpened,
  IconPointer,
  IconTrash,
  IconTrashOff,
} from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { formatWhen } from '../../lib/format';
import {
  type ActivityStatus,
  callResultLabel,
  channelLabel,
  formatCallDuration,
  statusColors,
} from '../activities/activities.types';
import { activityIcon } from '../activities/activityIcons';
import { presentErpDocument } from '../erp/ErpTimelineEntry';
import { presentFacebookLead } from '../facebook/FacebookTimelineEntry';
import { EmailMessageModal } from '../messaging/EmailMessageModal';
import { EmailStatusBadge, WhatsAppStatus } from '../messaging/MessageStatus';
import { whatsappText } from '../messaging/WhatsAppThreadView';
import type { TimelineItem } from './leads.types';

export interface Presented {
  icon: ReactNode;
  color: string;
  body: ReactNode;
  detail?: string | null;
}

type ActivityEntry = NonNullable<TimelineItem['activity']>;

function Quote({ children }: { children: ReactNode }) {
  return (
    <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} lineClamp={6}>
      {children}
    </Text>
  );
}

function activityHeadline(a: ActivityEntry): ReactNode {
  const title = <b>{a.title}</b>;
  if (a.type === 'call') return <>{title}</>;
  if (a.type === 'note') return <>Note: {title}</>;
  switch (a.status) {
    case 'done':
      return <>Completed {title}</>;
    case 'missed':
      return <>Missed {title}</>;
    case 'cancelled':
      return <>Cancelled {title}</>;
    default:
      return <>Scheduled {title}</>;
  }
}

function presentActivity(item: TimelineItem, a: ActivityEntry): Presented {
  const Icon = activityIcon({ type: a.type, channel: a.channel, direction: a.call?.direction ?? null });
  const status = a.status as ActivityStatus;
  const facts =
    a.type === 'call'
      ? [callResultLabel(a.call?.result), formatCallDuration(a.call?.durationSeconds)]
      : a.type === 'note'
        ? []
        : [
            a.type === 'follow_up' ? channelLabel(a.channel) : 'Meeting',
            a.status === 'open' || a.status === 'missed' ? `due ${formatWhen(a.dueAt).toLowerCase()}` : null,
            a.location,
          ];
  const who = item.actor?.name;
  return {
    icon: <Icon size={13} />,
    color: a.type === 'call' ? 'cyan' : (statusColors[status] ?? 'gray'),
    body: (
      <Stack gap={2}>
        <Group gap={6} wrap="wrap">
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {activityHeadline(a)}
          </Text>
          {a.status === 'missed' && (
            <Badge size="xs" color="red">
              Missed
            </Badge>
          )}
        </Group>
        {facts.filter(Boolean).length > 0 && (
          <Text size="xs" c="dimmed">
            {facts.filter(Boolean).join(' · ')}
          </Text>
        )}
        {a.outcome && <Quote>{a.outcome}</Quote>}
        {a.notes && a.notes !== a.outcome && <Quote>{a.notes}</Quote>}
      </Stack>
    ),
    detail: [
      who ? `by ${who}` : null,
      a.assignee && a.assignee.id !== item.actor?.id ? `assigned to ${a.assignee.name}` : null,
    ]
      .filter(Boolean)
      .join(', '),
  };
}

function EmailBody({ email }: { email: NonNullable<TimelineItem['email']> }) {
  const [open, setOpen] = useState(false);
  return (
    <Stack gap={4}>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        Emailed <b>{email.subject}</b>
        {email.to.length > 0 && (
          <Text span size="sm" c="dimmed">
            {' '}
            to {email.to.join(', ')}
          </Text>
        )}
      </Text>
      <Group gap={6} wrap="wrap">
        <EmailStatusBadge status={email.status} error={email.lastError} />
        {email.opens > 0 && (
          <Badge size="sm" color="teal" leftSection={<IconMailOpened size={11} />}>
            Opened{email.opens > 1 ? ` ×${email.opens}` : ''}
          </Badge>
        )}
        {email.clicks > 0 && (
          <Badge size="sm" color="violet" leftSection={<IconPointer size={11} />}>
            {email.clicks} click{email.clicks === 1 ? '' : 's'}
          </Badge>
        )}
        <Anchor component="button" type="button" size="xs" onClick={() => setOpen(true)}>
          View email
        </Anchor>
      </Group>
      {(email.status === 'failed' || email.status === 'retrying') && email.lastError && (
        <Text size="xs" c={email.status === 'failed' ? 'red' : 'orange.8'} style={{ overflowWrap: 'anywhere' }}>
          {email.lastError}
        </Text>
      )}
      <EmailMessageModal id={open ? email.messageId : null} onClose={() => setOpen(false)} />
    </Stack>
  );
}

function mergeNames(list: { id: string; name: string }[]): ReactNode {
  return list.map((lead, i) => (
    <span key={lead.id}>
      {i > 0 ? ', ' : ''}
      <b>{lead.name}</b>
    </span>
  ));
}

/** The entries of activities, email, WhatsApp, merges and the trash; null for the kinds told elsewhere. */
export function presentComms(item: TimelineItem): Presented | null {
  const who = item.actor?.name;
  if (item.kind === 'activity' && item.activity) return presentActivity(item, item.activity);
  if (item.kind === 'email' && item.email) {
    return {
      icon: <IconMail size={13} />,
      color: item.email.status === 'failed' ? 'red' : 'indigo',
      body: <EmailBody email={item.email} />,
      detail: [who ? `by ${who}` : null, item.email.template ? `template “${item.email.template}”` : null]
        .filter(Boolean)
        .join(', '),
    };
  }
  if (item.kind === 'email_event' && item.email_event) {
    const e = item.email_event;
    return {
      icon: e.event === 'opened' ? <IconMailOpened size={13} /> : <IconPointer size={13} />,
      color: 'teal',
      body:
        e.event === 'opened' ? (
          <Text size="sm">
            Opened <b>{e.subject}</b>
          </Text>
        ) : (
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            Clicked{' '}
            {e.url ? (
              <Text span c="dimmed">
                {e.url}
              </Text>
            ) : (
              'a link'
            )}{' '}
            in <b>{e.subject}</b>
          </Text>
        ),
    };
  }
  if (item.kind === 'whatsapp' && item.whatsapp) {
    const w = item.whatsapp;
    const inbound = w.direction === 'inbound';
    return {
      icon: <IconBrandWhatsapp size={13} />,
      color: w.status === 'failed' ? 'red' : 'green',
      body: (
        <Stack gap={2}>
          <Group gap={6} wrap="wrap">
            <Text size="xs" fw={600}>
              {inbound ? `${w.contactName ?? 'The lead'} wrote on WhatsApp` : `WhatsApp${who ? ` from ${who}` : ''}`}
            </Text>
            {!inbound && <WhatsAppStatus status={w.status} error={w.error} />}
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} lineClamp={8}>
            {whatsappText(w)}
          </Text>
          {w.status === 'failed' && w.error && (
            <Text size="xs" c="red">
              {w.error.title}
              {w.error.code ? ` (${w.error.code})` : ''}
              {w.error.detail ? `: ${w.error.detail}` : ''}
            </Text>
          )}
        </Stack>
      ),
    };
  }
  if ((item.kind === 'merge' && item.merge) || (item.kind === 'merge_undone' && item.merge_undone)) {
    const m = item.merge ?? item.merge_undone;
    if (!m) return null;
    const undone = item.kind === 'merge_undone';
    return {
      icon: undone ? <IconArrowBackUp size={13} /> : <IconGitMerge size={13} />,
      color: 'grape',
      body:
        m.role === 'survivor' ? (
          <Text size="sm">
            {undone ? 'Undid the merge of ' : 'Merged '}
            {mergeNames(m.merged)} {undone ? 'out of this lead' : 'into this lead'}
          </Text>
        ) : (
          <Text size="sm">
            {undone ? 'Split back out of ' : 'Merged into '}
            <Anchor component={Link} to={`/leads/${m.survivor.id}`} size="sm" fw={600}>
              {m.survivor.name}
            </Anchor>
          </Text>
        ),
      detail: who ? `by ${who}` : null,
    };
  }
  if (item.kind === 'facebook_lead' && item.facebook_lead) return presentFacebookLead(item.facebook_lead);
  if (item.kind === 'erp_document' && item.erp_document) return presentErpDocument(item.erp_document);
  if (item.kind === 'trash' && item.trash) {
    const deleted = item.trash.action === 'deleted';
    return {
      icon: deleted ? <IconTrash size={13} /> : <IconTrashOff size={13} />,
      color: deleted ? 'red' : 'teal',
      body: <Text size="sm">{deleted ? 'Moved to the trash' : 'Restored from the trash'}</Text>,
      detail: who ? `by ${who}` : null,
    };
  }
  return null;
}
