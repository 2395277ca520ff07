import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconCheck, IconChecks, IconClock } from '@tabler/icons-react';

const emailStatuses: Record<string, { label: string; color: string; hint: string }> = {
  queued: { label: 'Queued', color: 'gray', hint: 'Waiting to be sent' },
  sending: { label: 'Sending', color: 'blue', hint: 'Being handed to the mail server' },
  retrying: { label: 'Retrying', color: 'orange', hint: 'The last attempt failed; it will be tried again' },
  sent: { label: 'Sent', color: 'teal', hint: 'The mail server accepted it' },
  failed: { label: 'Failed', color: 'red', hint: 'It could not be sent' },
};

/** An email's delivery state; a failure or retry carries the server's reply as its tooltip. */
export function EmailStatusBadge({ status, error }: { status: string; error?: string | null }) {
  const look = emailStatuses[status] ?? { label: status, color: 'gray', hint: '' };
  const badge = (
    <Badge
      size="sm"
      color={look.color}
      leftSection={status === 'failed' || status === 'retrying' ? <IconAlertCircle size={11} /> : undefined}
    >
      {look.label}
    </Badge>
  );
  return (
    <Tooltip label={error ?? look.hint} multiline maw={320} openDelay={200} disabled={!error && !look.hint}>
      {badge}
    </Tooltip>
  );
}

const whatsappStatuses: Record<string, { label: string; color: string }> = {
  queued: { label: 'Queued', color: 'gray' },
  sent: { label: 'Sent', color: 'gray' },
  delivered: { label: 'Delivered', color: 'gray' },
  read: { label: 'Read', color: 'blue' },
  failed: { label: 'Failed', color: 'red' },
  received: { label: 'Received', color: 'green' },
};

/** WhatsApp's ticks: one for sent, two for delivered, two blue for read; a clock while queued. */
export function WhatsAppStatus({
  status,
  error,
}: {
  status: string;
  error?: { code: number | null; title: string; detail: string | null } | null;
}) {
  const look = whatsappStatuses[status] ?? { label: status, color: 'gray' };
  const icon =
    status === 'queued' ? (
      <IconClock size={14} />
    ) : status === 'sent' ? (
      <IconCheck size={14} />
    ) : status === 'delivered' || status === 'read' ? (
      <IconChecks size={14} />
    ) : status === 'failed' ? (
      <IconAlertCircle size={14} />
    ) : null;
  const reason = error
    ? `${error.title}${error.code ? ` (${error.code})` : ''}${error.detail ? `: ${error.detail}` : ''}`
    : null;
  return (
    <Tooltip label={reason ?? look.label} multiline maw={320} openDelay={200}>
      <Group gap={3} wrap="nowrap" c={look.color === 'gray' ? 'dimmed' : look.color} aria-label={look.label}>
        {icon}
        <Text size="xs" c="inherit">
          {look.label}
          {status === 'queued' && error ? ', retrying' : ''}
        </Text>
      </Group>
    </Tooltip>
  );
}
