import { Badge, Group, Paper, Text } from '@mantine/core';
import { IconMoodHappy, IconMoodSad } from '@tabler/icons-react';
import { formatDateTime, formatRelative } from '../../lib/format';
import type { Ticket } from './tickets.queries';

/**
 * The customer's rating of the ticket, from the link in the solve email: shown at the end of the thread, as the
 * event it is, with the comment the customer added (if any). Nothing until the customer has rated.
 */
export function TicketSatisfaction({ ticket }: { ticket: Ticket }) {
  const satisfaction = ticket.satisfaction;
  if (!satisfaction) return null;
  const good = satisfaction.rating === 'good';
  const Icon = good ? IconMoodHappy : IconMoodSad;
  return (
    <Paper withBorder p="sm" radius="md" data-testid="ticket-satisfaction">
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Group gap={6}>
          <Icon size={16} aria-hidden color={`var(--mantine-color-${good ? 'green' : 'red'}-6)`} />
          <Text size="sm" fw={600}>
            {ticket.requesterName ?? ticket.requesterEmail ?? 'The customer'}
          </Text>
          <Badge color={good ? 'green' : 'red'} variant="light">
            {good ? 'Rated good' : 'Rated bad'}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed" title={formatDateTime(satisfaction.ratedAt)}>
          satisfaction rating · {formatRelative(satisfaction.ratedAt)}
        </Text>
      </Group>
      {satisfaction.comment && (
        <Text size="sm" mt={6} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {satisfaction.comment}
        </Text>
      )}
    </Paper>
  );
}
