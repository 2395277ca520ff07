import {
  Badge,
  Box,
  Button,
  Card,
  Group,
  SegmentedControl,
  Select,
  Skeleton,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatRelative } from '../../lib/format';
import { useCan } from '../auth/session';
import { NewTicketModal } from './NewTicketModal';
import { priorityColors, priorityLabels, slaState, statusLabels, statusOptions } from './tickets.labels';
import { type Ticket, type TicketsQuery, useTickets } from './tickets.queries';

type Queue = 'mine' | 'unassigned' | 'all' | 'breaching';
const queues: { value: Queue; label: string }[] = [
  { value: 'mine', label: 'Mine' },
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'all', label: 'All' },
  { value: 'breaching', label: 'Breaching soon' },
];

function SlaBadge({ ticket }: { ticket: Ticket }) {
  const sla = slaState(ticket);
  if (!sla) return null;
  return (
    <Badge variant="light" color={sla.breached ? 'red' : 'gray'} title={`${sla.label} due ${sla.dueAt}`}>
      {sla.breached ? `${sla.label} overdue` : `${sla.label} ${formatRelative(sla.dueAt)}`}
    </Badge>
  );
}

export function TicketRow({ ticket }: { ticket: Ticket }) {
  return (
    <Card
      component={Link}
      to={`/tickets/${ticket.id}`}
      padding="sm"
      withBorder
      data-testid="ticket-row"
      aria-label={`${ticket.reference} ${ticket.subject}`}
    >
      <Stack gap={4}>
        <Group justify="space-between" gap="xs" wrap="nowrap">
          <Text fw={600} truncate style={{ minWidth: 0 }}>
            <Text span c="dimmed" fw={500} mr={6}>
              {ticket.reference}
            </Text>
            {ticket.subject}
          </Text>
          <Badge color={priorityColors[ticket.priority]} variant="light" style={{ flexShrink: 0 }}>
            {priorityLabels[ticket.priority]}
          </Badge>
        </Group>
        <Group gap="xs" wrap="wrap">
          <Badge variant="outline" color="gray">
            {statusLabels[ticket.status]}
          </Badge>
          <SlaBadge ticket={ticket} />
          <Text size="xs" c="dimmed">
            {ticket.leadName ?? 'No customer'} · {ticket.assignee?.name ?? 'Unassigned'} ·{' '}
            {formatRelative(ticket.createdAt)}
          </Text>
        </Group>
      </Stack>
    </Card>
  );
}

/**
 * The support queue: mine, unassigned or all tickets the viewer may see, by status, newest first; or those
 * breaching soon (open, the running SLA clock due within 2 hours or overdue), most urgent first.
 */
export function TicketsPage() {
  const [params, setParams] = useSearchParams();
  const queue = (queues.find((q) => q.value === params.get('queue'))?.value ?? 'mine') as Queue;
  const status = params.get('status') ?? '';
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [creating, setCreating] = useState(false);
  const canWrite = useCan('tickets:write');
  const query: TicketsQuery = {
    ...(queue === 'mine' ? { assigneeId: 'me' } : queue === 'unassigned' ? { assigneeId: 'none' } : {}),
    ...(queue === 'breaching' ? { breaching: 'soon' as const } : {}),
    ...(status ? { status: status as Ticket['status'] } : {}),
    ...(q ? { q } : {}),
  };
  const tickets = useTickets(query);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Tickets"
        description="Customers' requests, their replies and notes, and their SLA clocks."
        actions={
          canWrite && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New ticket
            </Button>
          )
        }
      />
      <Stack gap="sm">
        <Group gap="sm" wrap="wrap" align="flex-end">
          <Box maw="100%" style={{ overflowX: 'auto' }}>
            <SegmentedControl
              data={queues}
              value={queue}
              onChange={(value) => set('queue', value === 'mine' ? '' : value)}
              aria-label="Queue"
            />
          </Box>
          <Select
            aria-label="Status"
            placeholder="Any status"
            data={statusOptions}
            value={status || null}
            onChange={(value) => set('status', value ?? '')}
            clearable
            w={190}
          />
          <TextInput
            aria-label="Search tickets"
            placeholder="Subject or T-1001"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            style={{ flex: '1 1 180px' }}
          />
        </Group>
        {tickets.isError ? (
          <ErrorAlert error={tickets.error} onRetry={() => void tickets.refetch()} />
        ) : tickets.isPending ? (
          <Stack gap="xs">
            {[0, 1, 2].map((i) => (
              <Skeleton key={i} height={64} />
            ))}
          </Stack>
        ) : tickets.data.data.length === 0 ? (
          <Text c="dimmed" ta="center" py="xl">
            {queue === 'breaching' ? 'Nothing is due within the next 2 hours.' : 'No tickets here.'}
          </Text>
        ) : (
          <Stack gap="xs">
            {tickets.data.data.map((ticket) => (
              <TicketRow key={ticket.id} ticket={ticket} />
            ))}
            {tickets.data.nextCursor && (
              <Text size="xs" c="dimmed" ta="center">
                {queue === 'breaching'
                  ? 'Showing the 100 most urgent.'
                  : 'Showing the newest 100; narrow the search to see older ones.'}
              </Text>
            )}
          </Stack>
        )}
      </Stack>
      <NewTicketModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
