import {
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  EmptyState,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconArrowLeft, IconRefresh, IconUsers } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { RoleBadge } from '../../components/Badges';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatRelative, formatTime } from '../../lib/format';
import { useMe } from '../auth/session';
import { UserAvatar } from './UserAvatar';
import classes from './UsersPage.module.css';
import { type ActiveUser, useActiveUsers } from './users.queries';

/** Active now first, then the most recently seen, then by name; never-seen people last. */
function byActivity(a: ActiveUser, b: ActiveUser): number {
  if (a.activeNow !== b.activeNow) return a.activeNow ? -1 : 1;
  if (a.lastSeenAt !== b.lastSeenAt) {
    if (!a.lastSeenAt) return 1;
    if (!b.lastSeenAt) return -1;
    return b.lastSeenAt.localeCompare(a.lastSeenAt);
  }
  return a.name.localeCompare(b.name);
}

function PresenceBadge({ active }: { active: boolean }) {
  return (
    <Badge color={active ? 'teal' : 'gray'} variant={active ? 'light' : 'dot'}>
      {active ? 'Active now' : 'Offline'}
    </Badge>
  );
}

/** "5 minutes ago", with the exact time on hover. Relative to the server's clock, so a skewed device reads right. */
function When({ iso, now, empty = 'Never' }: { iso: string | null; now: number; empty?: string }) {
  if (!iso) {
    return (
      <Text size="sm" c="dimmed" span>
        {empty}
      </Text>
    );
  }
  return (
    <Tooltip label={formatDateTime(iso)} openDelay={200} withinPortal>
      <Text size="sm" span component="time" dateTime={iso} style={{ cursor: 'default', whiteSpace: 'nowrap' }}>
        {formatRelative(iso, empty, now)}
      </Text>
    </Tooltip>
  );
}

function Sessions({ count }: { count: number }) {
  return (
    <Text size="sm" c={count === 0 ? 'dimmed' : undefined}>
      {count}
    </Text>
  );
}

function ActiveTable({ users, now, meId }: { users: ActiveUser[]; now: number; meId: string }) {
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={760} type="native">
      <Table highlightOnHover className={classes.table}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Active sessions</Table.Th>
            <Table.Th>Last seen</Table.Th>
            <Table.Th>Last sign-in</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id} className="ip-clickable-row" onClick={() => navigate(`/users/${user.id}`)}>
              <Table.Td>
                <Group gap="sm" wrap="nowrap">
                  <UserAvatar name={user.name} role={user.role} size={32} />
                  <Stack gap={0} miw={0}>
                    <Anchor
                      component={Link}
                      to={`/users/${user.id}`}
                      fw={600}
                      size="sm"
                      c="var(--mantine-color-text)"
                      onClick={(event) => event.stopPropagation()}
                    >
                      {user.name}
                      {user.id === meId && (
                        <Text span size="xs" c="dimmed" fw={400}>
                          {' '}
                          (you)
                        </Text>
                      )}
                    </Anchor>
                    <Text size="xs" c="dimmed" truncate>
                      {user.email}
                    </Text>
                  </Stack>
                </Group>
              </Table.Td>
              <Table.Td>
                <RoleBadge role={user.role} />
              </Table.Td>
              <Table.Td>
                <PresenceBadge active={user.activeNow} />
              </Table.Td>
              <Table.Td ta="right">
                <Sessions count={user.activeSessions} />
              </Table.Td>
              <Table.Td>
                <When iso={user.lastSeenAt} now={now} />
              </Table.Td>
              <Table.Td>
                <When iso={user.lastLoginAt} now={now} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ActiveCards({ users, now, meId }: { users: ActiveUser[]; now: number; meId: string }) {
  return (
    <Stack gap={0} className={classes.cards}>
      {users.map((user) => (
        <UnstyledButton key={user.id} component={Link} to={`/users/${user.id}`} className={classes.card}>
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <UserAvatar name={user.name} role={user.role} size={38} />
            <Stack gap={4} miw={0} style={{ flex: 1 }}>
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Text fw={600} size="sm" truncate>
                  {user.name}
                  {user.id === meId && (
                    <Text span size="xs" c="dimmed" fw={400}>
                      {' '}
                      (you)
                    </Text>
                  )}
                </Text>
                <PresenceBadge active={user.activeNow} />
              </Group>
              <Group gap="xs">
                <RoleBadge role={user.role} />
                <Text size="xs" c="dimmed">
                  {user.activeSessions} {user.activeSessions === 1 ? 'session' : 'sessions'}
                </Text>
              </Group>
              <Text size="xs" c="dimmed">
                <span style={{ whiteSpace: 'nowrap' }}>
                  Last seen{' '}
                  <Text span size="xs" c="var(--mantine-color-text)" title={formatDateTime(user.lastSeenAt)}>
                    {formatRelative(user.lastSeenAt, 'never', now)}
                  </Text>
                </span>
                {' · '}
                <span style={{ whiteSpace: 'nowrap' }}>
                  Signed in{' '}
                  <Text span size="xs" c="var(--mantine-color-text)" title={formatDateTime(user.lastLoginAt)}>
                    {formatRelative(user.lastLoginAt, 'never', now)}
                  </Text>
                </span>
              </Text>
            </Stack>
          </Group>
        </UnstyledButton>
      ))}
    </Stack>
  );
}

function Stat({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Card padding="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
        {label}
      </Text>
      <Text fz={28} fw={700} lh={1.2} mt={4} c={color}>
        {value}
      </Text>
    </Card>
  );
}

export function ActiveUsersPage() {
  const me = useMe();
  const query = useActiveUsers();
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });

  const users = query.data ? [...query.data.data].sort(byActivity) : [];
  const asOf = query.data ? Date.parse(query.data.asOf) : Date.now();
  const now = Number.isNaN(asOf) ? Date.now() : asOf;
  const signedIn = users.filter((user) => user.activeSessions > 0).length;

  return (
    <>
      <PageHeader
        above={
          <Anchor component={Link} to="/users" size="sm" c="dimmed">
            <Group gap={4}>
              <IconArrowLeft size={14} />
              All users
            </Group>
          </Anchor>
        }
        title="Who is active"
        description={
          me.user.role === 'ADMIN'
            ? 'Everyone at your company, and when they last used iPerform.'
            : 'You and the people who report to you, and when they last used iPerform.'
        }
        actions={
          <Button
            variant="default"
            leftSection={<IconRefresh size={18} />}
            onClick={() => query.refetch()}
            loading={query.isFetching && !query.isPending}
            disabled={query.isPending}
          >
            Refresh
          </Button>
        }
      />

      {query.data && (
        <SimpleGrid cols={3} spacing={{ base: 'xs', sm: 'md' }} mb="lg">
          <Stat label="Active now" value={query.data.activeNow} color="teal" />
          <Stat label="Signed in" value={signedIn} />
          <Stat label="People" value={users.length} />
        </SimpleGrid>
      )}

      <Card p={0}>
        {query.isPending ? (
          <Stack p="md" gap="sm">
            {[0, 1, 2, 3, 4].map((row) => (
              <Skeleton key={row} h={36} />
            ))}
          </Stack>
        ) : !query.data ? (
          <Stack p="md">
            <ErrorAlert error={query.error} onRetry={() => query.refetch()} title="Could not load who is active" />
          </Stack>
        ) : users.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconUsers size={26} />}
              title="Nobody to show"
              description="Active people you oversee will appear here."
            />
          </Center>
        ) : compact ? (
          <ActiveCards users={users} now={now} meId={me.user.id} />
        ) : (
          <ActiveTable users={users} now={now} meId={me.user.id} />
        )}

        {query.data && (
          <Paper className={classes.footer} radius={0}>
            <Text size="sm" c={query.isError ? 'red' : 'dimmed'}>
              {query.isError
                ? `Could not refresh; showing the list as of ${formatTime(now)}`
                : `Updated ${formatTime(now)} · refreshes every minute`}
            </Text>
          </Paper>
        )}
      </Card>
    </>
  );
}
