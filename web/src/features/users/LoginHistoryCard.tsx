import { Badge, Box, Button, Card, Group, Skeleton, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { describeUserAgent, formatDateTime, formatRelative } from '../../lib/format';
import { ApiError } from '../../lib/problem';
import { type LoginEvent, useLoginHistory } from './users.queries';

const eventLabels: Record<string, { success: string; failure: string; color: string }> = {
  login: { success: 'Signed in', failure: 'Sign-in failed', color: 'teal' },
  logout: { success: 'Signed out', failure: 'Sign-out failed', color: 'gray' },
  session_revoked: { success: 'Session ended', failure: 'Session ended', color: 'gray' },
  password_change: { success: 'Password changed', failure: 'Password change failed', color: 'blue' },
  token_reuse: { success: 'Token reuse blocked', failure: 'Token reuse blocked', color: 'orange' },
};

const reasonLabels: Record<string, string> = {
  wrong_password: 'Wrong password',
  inactive: 'Account deactivated',
  throttled: 'Too many attempts',
};

function describe(entry: LoginEvent): { label: string; color: string } {
  const known = eventLabels[entry.event];
  const failed = entry.outcome === 'failure';
  if (!known) return { label: entry.event.replaceAll('_', ' '), color: failed ? 'red' : 'gray' };
  return { label: failed ? known.failure : known.success, color: failed ? 'red' : known.color };
}

function LoginRow({ entry }: { entry: LoginEvent }) {
  const { label, color } = describe(entry);
  const reason = entry.reason ? (reasonLabels[entry.reason] ?? entry.reason.replaceAll('_', ' ')) : null;
  return (
    <Box
      py="sm"
      px="md"
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
      data-testid="login-row"
    >
      <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
        <Stack gap={4} miw={0}>
          <Group gap="xs">
            <Badge color={color} variant="light">
              {label}
            </Badge>
            {reason && (
              <Text size="sm" c="red">
                {reason}
              </Text>
            )}
          </Group>
          <Text size="xs" c="dimmed" truncate>
            {entry.ip ?? 'Unknown address'} ·{' '}
            <span title={entry.userAgent ?? undefined}>{describeUserAgent(entry.userAgent)}</span>
          </Text>
        </Stack>
        <Tooltip label={formatDateTime(entry.at)} openDelay={200} withinPortal>
          <Text size="sm" c="dimmed" component="time" dateTime={entry.at} style={{ whiteSpace: 'nowrap' }}>
            {formatRelative(entry.at)}
          </Text>
        </Tooltip>
      </Group>
    </Box>
  );
}

/**
 * A user's sign-ins, sign-outs and password changes. Shown to that user and to people with `users:activity`;
 * when the server says no (403) or that the user is outside your team (404), the card simply is not there.
 */
export function LoginHistoryCard({ userId, isSelf }: { userId: string; isSelf: boolean }) {
  const history = useLoginHistory(userId);
  const entries = history.data?.pages.flatMap((page) => page.data) ?? [];

  if (history.isError && history.error instanceof ApiError && [403, 404].includes(history.error.status)) return null;

  return (
    <Card p={0}>
      <Stack gap={4} p="md" pb="sm">
        <Group gap="xs">
          <IconHistory size={20} stroke={1.7} />
          <Title order={3}>Sign-in history</Title>
        </Group>
        <Text size="sm" c="dimmed">
          {isSelf
            ? 'Your recent sign-ins, sign-outs and password changes. Tell an admin about anything you do not recognise.'
            : 'Recent sign-ins, failed attempts, sign-outs and password changes.'}
        </Text>
      </Stack>
      {history.isPending ? (
        <Stack gap="sm" p="md" pt={0}>
          <Skeleton h={44} />
          <Skeleton h={44} />
          <Skeleton h={44} />
        </Stack>
      ) : history.isError && entries.length === 0 ? (
        <Box p="md" pt={0}>
          <ErrorAlert error={history.error} onRetry={() => history.refetch()} title="Could not load sign-in history" />
        </Box>
      ) : entries.length === 0 ? (
        <Text size="sm" c="dimmed" px="md" pb="md">
          No sign-ins recorded yet.
        </Text>
      ) : (
        <div style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
          {entries.map((entry) => (
            <LoginRow key={entry.id} entry={entry} />
          ))}
          <Group justify="space-between" px="md" py="sm" gap="sm">
            <Text size="sm" c={history.isFetchNextPageError ? 'red' : 'dimmed'}>
              {history.isFetchNextPageError
                ? 'Could not load more. Try again.'
                : `Showing ${entries.length} ${entries.length === 1 ? 'event' : 'events'}`}
            </Text>
            {history.hasNextPage && (
              <Button variant="light" onClick={() => history.fetchNextPage()} loading={history.isFetchingNextPage}>
                Load more
              </Button>
            )}
          </Group>
        </div>
      )}
    </Card>
  );
}
