import { Anchor, Badge, Button, Card, Group, ScrollArea, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../lib/format';
import { LoadingRows } from '../settings/SettingsSection';
import { type FacebookEvent, usePageEvents } from './facebook.queries';

const statusColor: Record<string, string> = {
  pending: 'yellow',
  created: 'teal',
  merged: 'blue',
  skipped: 'gray',
  failed: 'red',
  malformed: 'orange',
};

function Outcome({ event }: { event: FacebookEvent }) {
  if (event.leadId) {
    return (
      <Anchor component={Link} to={`/leads/${event.leadId}`} size="sm">
        Open lead
      </Anchor>
    );
  }
  return (
    <Text size="sm" c={event.error ? 'red' : 'dimmed'} style={{ wordBreak: 'break-word' }}>
      {event.error ?? '—'}
    </Text>
  );
}

/** A Page's log, newest first: each event received, the lead it made, or why it failed. */
export function EventLog({ pageId, onOpenForm }: { pageId: string; onOpenForm: (formId: string) => void }) {
  const events = usePageEvents(pageId);
  return (
    <Card p={0} aria-label="Event log">
      <Group justify="space-between" p="md" pb="xs">
        <Text fw={600}>Event log</Text>
        <Button size="xs" variant="subtle" onClick={() => events.refetch()} loading={events.isFetching}>
          Refresh
        </Button>
      </Group>
      {events.isPending ? (
        <LoadingRows rows={4} />
      ) : events.isError ? (
        <ErrorAlert error={events.error} onRetry={() => events.refetch()} title="Could not load the log" />
      ) : events.data.data.length === 0 ? (
        <Text p="md" size="sm" c="dimmed">
          Nothing received yet. Send a test lead with Meta's Lead Ads Testing Tool.
        </Text>
      ) : (
        <ScrollArea>
          <Table fz="sm" miw={720}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Received</Table.Th>
                <Table.Th w={120}>Status</Table.Th>
                <Table.Th>Lead id (Meta)</Table.Th>
                <Table.Th>Form</Table.Th>
                <Table.Th>Ad / campaign</Table.Th>
                <Table.Th>Outcome</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {events.data.data.map((event) => (
                <Table.Tr key={event.id}>
                  <Table.Td>
                    {formatDateTime(event.receivedAt)}
                    {event.via === 'backfill' && (
                      <Text size="xs" c="dimmed">
                        backfill
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={statusColor[event.status] ?? 'gray'} variant="light">
                      {event.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{event.leadgenId ?? '—'}</Table.Td>
                  <Table.Td>
                    {event.formId ? (
                      <Anchor component="button" size="sm" onClick={() => onOpenForm(event.formId as string)}>
                        {event.formName ?? event.formId}
                      </Anchor>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>{[event.adName, event.campaignName].filter(Boolean).join(' · ') || '—'}</Table.Td>
                  <Table.Td>
                    <Outcome event={event} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Card>
  );
}
