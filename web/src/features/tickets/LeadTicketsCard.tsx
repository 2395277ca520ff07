import { Card, Group, Skeleton, Stack, Text } from '@mantine/core';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useCan } from '../auth/session';
import { TicketRow } from './TicketsPage';
import { useTickets } from './tickets.queries';

const done = new Set(['solved', 'closed']);

/** The customer's support tickets on its lead page: the open ones in full, how many are solved or closed. */
export function LeadTicketsCard({ leadId }: { leadId: string }) {
  const canRead = useCan('tickets:read');
  const tickets = useTickets({ leadId });
  if (!canRead) return null;
  const open = tickets.data?.data.filter((t) => !done.has(t.status)) ?? [];
  const closed = (tickets.data?.data.length ?? 0) - open.length;
  return (
    <Card data-testid="lead-tickets">
      <Group justify="space-between" mb="sm">
        <Text fw={650}>Open tickets</Text>
        {closed > 0 && (
          <Text size="xs" c="dimmed">
            {closed} solved or closed
          </Text>
        )}
      </Group>
      {tickets.isPending ? (
        <Skeleton h={40} />
      ) : tickets.isError ? (
        <ErrorAlert error={tickets.error} onRetry={() => tickets.refetch()} />
      ) : open.length === 0 ? (
        <Text size="sm" c="dimmed">
          No open tickets
        </Text>
      ) : (
        <Stack gap="xs">
          {open.map((ticket) => (
            <TicketRow key={ticket.id} ticket={ticket} />
          ))}
        </Stack>
      )}
    </Card>
  );
}
