import { Accordion, Badge, Button, Code, Drawer, Group, ScrollArea, Select, Stack, Table, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { LoadingRows } from '../settings/SettingsSection';
import {
  useDeliveries,
  useReplayDelivery,
  useReplaySince,
  type WebhookDelivery,
  type WebhookEndpoint,
} from './webhooks.queries';

const statusColor: Record<WebhookDelivery['status'], string> = {
  pending: 'blue',
  succeeded: 'teal',
  failed: 'red',
  cancelled: 'gray',
};

const windows = [
  { value: '1', label: 'the last hour' },
  { value: '24', label: 'the last 24 hours' },
  { value: '168', label: 'the last 7 days' },
];

function Attempts({ delivery }: { delivery: WebhookDelivery }) {
  if (delivery.attemptLog.length === 0) return <Text size="sm">Not sent yet.</Text>;
  return (
    <Table withTableBorder fz="sm" layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={40}>#</Table.Th>
          <Table.Th>Sent</Table.Th>
          <Table.Th w={90}>Status</Table.Th>
          <Table.Th w={80}>Time</Table.Th>
          <Table.Th>Response</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {delivery.attemptLog.map((a) => (
          <Table.Tr key={a.attempt}>
            <Table.Td>{a.attempt}</Table.Td>
            <Table.Td>{formatDateTime(a.at)}</Table.Td>
            <Table.Td>{a.responseStatus ?? '—'}</Table.Td>
            <Table.Td>{a.durationMs} ms</Table.Td>
            <Table.Td style={{ wordBreak: 'break-word' }}>{a.error ?? (a.responseBody || '(empty)')}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function DeliveryItem({
  delivery,
  endpointId,
  canManage,
}: {
  delivery: WebhookDelivery;
  endpointId: string;
  canManage: boolean;
}) {
  const replay = useReplayDelivery(endpointId);
  const lastRequest = delivery.attemptLog.at(-1)?.request;
  return (
    <Accordion.Item value={delivery.id}>
      <Accordion.Control>
        <Group gap="sm" wrap="nowrap">
          <Badge color={statusColor[delivery.status]} variant="light" style={{ flexShrink: 0 }}>
            {delivery.status}
          </Badge>
          <Code>{delivery.eventType}</Code>
          <Text size="sm" c="dimmed" style={{ marginLeft: 'auto' }}>
            {formatDateTime(delivery.createdAt)} · {delivery.attempts} attempt{delivery.attempts === 1 ? '' : 's'}
          </Text>
        </Group>
      </Accordion.Control>
      <Accordion.Panel>
        <Stack gap="sm">
          <Text size="sm">
            <b>webhook-id</b> <Code>{delivery.messageId}</Code>
            {delivery.nextAttemptAt && <> · next attempt {formatDateTime(delivery.nextAttemptAt)}</>}
          </Text>
          <Attempts delivery={delivery} />
          {lastRequest && (
            <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {`POST ${lastRequest.url}\n${Object.entries(lastRequest.headers)
                .map(([k, v]) => `${k}: ${v}`)
                .join('\n')}\n\n${delivery.body}`}
            </Code>
          )}
          {canManage && delivery.status !== 'pending' && (
            <Group>
              <Button
                size="xs"
                variant="default"
                leftSection={<IconRefresh size={14} />}
                loading={replay.isPending}
                onClick={() =>
                  replay.mutate(delivery.id, {
                    onSuccess: () => notifySuccess('The message is on its way again.', 'Replayed'),
                    onError: (error) => notifyError(error, 'Could not replay'),
                  })
                }
              >
                Replay
              </Button>
            </Group>
          )}
        </Stack>
      </Accordion.Panel>
    </Accordion.Item>
  );
}

/** An endpoint's deliveries, newest first, each with its attempts; replays for those who manage webhooks. */
export function DeliveryLogDrawer({
  endpoint,
  canManage,
  onClose,
}: {
  endpoint: WebhookEndpoint | null;
  canManage: boolean;
  onClose: () => void;
}) {
  const deliveries = useDeliveries(endpoint?.id ?? null);
  const replaySince = useReplaySince(endpoint?.id ?? '');
  const [window, setWindow] = useState<string | null>('24');
  return (
    <Drawer
      opened={endpoint !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={<Text fw={650}>Delivery log</Text>}
      scrollAreaComponent={ScrollArea.Autosize}
    >
      {endpoint && (
        <Stack gap="md">
          <Text size="sm" c="dimmed" style={{ wordBreak: 'break-all' }}>
            {endpoint.url}
          </Text>
          {canManage && (
            <Group gap="xs" align="flex-end">
              <Select
                label="Replay everything that failed in"
                data={windows}
                value={window}
                onChange={setWindow}
                allowDeselect={false}
                w={260}
              />
              <Button
                variant="default"
                loading={replaySince.isPending}
                disabled={!endpoint.enabled}
                onClick={() =>
                  replaySince.mutate(new Date(Date.now() - Number(window ?? '24') * 3_600_000).toISOString(), {
                    onSuccess: (result) =>
                      notifySuccess(
                        `${result.replayed} message${result.replayed === 1 ? '' : 's'} sent again.`,
                        'Replayed',
                      ),
                    onError: (error) => notifyError(error, 'Could not replay'),
                  })
                }
              >
                Replay failed
              </Button>
            </Group>
          )}
          {deliveries.isPending ? (
            <LoadingRows rows={5} />
          ) : deliveries.isError ? (
            <ErrorAlert error={deliveries.error} onRetry={() => deliveries.refetch()} title="Could not load the log" />
          ) : deliveries.data.data.length === 0 ? (
            <Text size="sm">Nothing sent yet. Send a test to see one here.</Text>
          ) : (
            <Accordion variant="separated" chevronPosition="left" aria-label="Deliveries">
              {deliveries.data.data.map((d) => (
                <DeliveryItem key={d.id} delivery={d} endpointId={endpoint.id} canManage={canManage} />
              ))}
            </Accordion>
          )}
        </Stack>
      )}
    </Drawer>
  );
}
