import { Alert, Badge, Button, Group, Modal, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useCan } from '../auth/session';
import { EmailPreviewPane } from './EmailPreviewPane';
import { useEmailMessage, useRetryEmail } from './email.queries';
import { EmailStatusBadge } from './MessageStatus';
import type { EmailMessage } from './messaging.types';

function Delivery({ message }: { message: EmailMessage }) {
  const canSend = useCan('email:send');
  const retry = useRetryEmail(message.leadId);
  const retriable = message.status === 'failed' || message.status === 'retrying';
  return (
    <Stack gap="xs">
      <Group gap="xs" wrap="wrap">
        <EmailStatusBadge status={message.status} error={message.lastError} />
        <Text size="xs" c="dimmed">
          {message.status === 'sent'
            ? `Sent ${formatDateTime(message.sentAt)}`
            : message.status === 'failed'
              ? `Failed ${formatDateTime(message.failedAt)} after ${message.attempts} attempt${message.attempts === 1 ? '' : 's'}`
              : message.status === 'retrying'
                ? `Next attempt ${formatDateTime(message.nextAttemptAt)}`
                : `Queued ${formatDateTime(message.queuedAt)}`}
        </Text>
        {message.tracking.opens && (
          <Badge size="sm" color={message.opens.count ? 'teal' : 'gray'} variant="light">
            {message.opens.count} open{message.opens.count === 1 ? '' : 's'}
          </Badge>
        )}
        {message.tracking.clicks && (
          <Badge size="sm" color={message.clicks.count ? 'teal' : 'gray'} variant="light">
            {message.clicks.count} click{message.clicks.count === 1 ? '' : 's'}
          </Badge>
        )}
      </Group>
      {(message.lastError || message.serverReply) && message.status !== 'sent' && (
        <Alert color={message.status === 'failed' ? 'red' : 'orange'} p="xs">
          <Text size="sm">{message.lastError}</Text>
          {message.serverReply && (
            <Text size="xs" c="dimmed" mt={2} ff="monospace">
              Server said: {message.serverReply}
            </Text>
          )}
        </Alert>
      )}
      {canSend && retriable && (
        <Group>
          <Button
            size="xs"
            variant="light"
            leftSection={<IconRefresh size={14} />}
            loading={retry.isPending}
            onClick={() =>
              retry.mutate(message.id, {
                onSuccess: () => notifySuccess('It is being sent again.', 'Retrying'),
                onError: (error) => notifyError(error, 'Could not retry'),
              })
            }
          >
            {message.status === 'failed' ? 'Try again' : 'Send now'}
          </Button>
        </Group>
      )}
      {message.links.length > 0 && (
        <Table withRowBorders={false} verticalSpacing={2} horizontalSpacing={0} fz="xs">
          <Table.Tbody>
            {message.links.map((link) => (
              <Table.Tr key={link.url}>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{link.url}</Table.Td>
                <Table.Td ta="right" c="dimmed" w={80}>
                  {link.clicks} click{link.clicks === 1 ? '' : 's'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** One email as it was sent: who, what, and how its delivery went, with a retry when it failed. */
export function EmailMessageModal({ id, onClose }: { id: string | null; onClose: () => void }) {
  const message = useEmailMessage(id);
  return (
    <Modal opened={id !== null} onClose={onClose} size="xl" title={<Text fw={650}>Email</Text>}>
      {message.isPending ? (
        <Stack gap="sm">
          <Skeleton h={20} w="60%" />
          <Skeleton h={240} />
        </Stack>
      ) : message.isError ? (
        <ErrorAlert error={message.error} onRetry={() => message.refetch()} title="Could not load the email" />
      ) : (
        <Stack gap="md">
          <Delivery message={message.data} />
          <Text size="xs" c="dimmed">
            From {message.data.from ? `${message.data.from.name ?? ''} <${message.data.from.address}>` : '—'}
            {message.data.sender ? ` · sent by ${message.data.sender.name}` : ''}
            {message.data.template ? ` · template “${message.data.template.name}”` : ''}
          </Text>
          <EmailPreviewPane
            preview={{
              subject: message.data.subject,
              html: message.data.html,
              text: message.data.text,
              to: message.data.to,
            }}
            to={message.data.to}
            cc={message.data.cc}
            bcc={message.data.bcc}
          />
        </Stack>
      )}
    </Modal>
  );
}
