import {
  Anchor,
  Button,
  Card,
  Center,
  EmptyState,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedCallback, useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconActivity, IconPlus, IconSearch, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { RoleBadge, StatusBadge } from '../../components/Badges';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import type { User } from '../../lib/api';
import { useCan, useMe } from '../auth/session';
import { NewUserModal } from './NewUserModal';
import { assignableRoles, isRoleName, roleOptions } from './roles';
import { UserAvatar } from './UserAvatar';
import classes from './UsersPage.module.css';
import { type UserFilters, useUserList } from './users.queries';

type StatusFilter = 'all' | 'active' | 'inactive';

function statusOf(value: string | null): StatusFilter {
  return value === 'active' || value === 'inactive' ? value : 'all';
}

/** Filters live in the address bar, so Back, reload and a shared link all show the same list. */
function useUserFilters() {
  const [params, setParams] = useSearchParams();
  const roleParam = params.get('role');
  const role = roleParam && isRoleName(roleParam) ? roleParam : undefined;
  const status = statusOf(params.get('status'));
  const q = params.get('q') ?? '';

  const update = (changes: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );

  return { role, status, q, update };
}

function ManagerCell({ user }: { user: User }) {
  if (!user.managerName) return <Text c="dimmed">—</Text>;
  return <Text size="sm">{user.managerName}</Text>;
}

function UserTable({ users }: { users: User[] }) {
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={720} type="native">
      <Table highlightOnHover className={classes.table}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Manager</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr
              key={user.id}
              className="ip-clickable-row"
              onClick={() => navigate(`/users/${user.id}`)}
              data-inactive={!user.active || undefined}
            >
              <Table.Td>
                <Group gap="sm" wrap="nowrap">
                  <UserAvatar name={user.name} role={user.role} size={32} />
                  <Anchor
                    component={Link}
                    to={`/users/${user.id}`}
                    fw={600}
                    size="sm"
                    c="var(--mantine-color-text)"
                    onClick={(event) => event.stopPropagation()}
                  >
                    {user.name}
                  </Anchor>
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  {user.email}
                </Text>
              </Table.Td>
              <Table.Td>
                <RoleBadge role={user.role} />
              </Table.Td>
              <Table.Td>
                <ManagerCell user={user} />
              </Table.Td>
              <Table.Td>
                <StatusBadge active={user.active} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function UserCards({ users }: { users: User[] }) {
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
                </Text>
                <StatusBadge active={user.active} />
              </Group>
              <Text size="xs" c="dimmed" truncate>
                {user.email}
              </Text>
              <Group gap="xs" mt={2}>
                <RoleBadge role={user.role} />
                {user.managerName && (
                  <Text size="xs" c="dimmed" truncate>
                    Reports to {user.managerName}
                  </Text>
                )}
              </Group>
            </Stack>
          </Group>
        </UnstyledButton>
      ))}
    </Stack>
  );
}

export function UsersPage() {
  const me = useMe();
  const canManage = useCan('users:manage');
  const canSeeActivity = useCan('users:activity');
  const assignable = assignableRoles(me.user.role);
  const { role, status, q, update } = useUserFilters();
  const [search, setSearch] = useState(q);
  const [shownQ, setShownQ] = useState(q);
  const pushSearch = useDebouncedCallback((value: string) => update({ q: value.trim() || null }), 300);
  // The address changed under us (Back, a nav link): show its search, unless the user is still typing.
  if (q !== shownQ) {
    setShownQ(q);
    if (!pushSearch.isPending()) setSearch(q);
  }
  const [creating, createModal] = useDisclosure(false);
  const compact = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });

  const filters: UserFilters = {
    q: q || undefined,
    role,
    active: status === 'all' ? undefined : status === 'active',
  };
  const list = useUserList(filters);
  const users = list.data?.pages.flatMap((page) => page.data) ?? [];
  const filtered = Boolean(q || role || status !== 'all');

  return (
    <>
      <PageHeader
        title="Users"
        description={`People at ${me.company.name}, their roles and who they report to.`}
        actions={
          canSeeActivity || (canManage && assignable.length > 0) ? (
            <>
              {canSeeActivity && (
                <Button component={Link} to="/users/active" variant="default" leftSection={<IconActivity size={18} />}>
                  Who is active
                </Button>
              )}
              {canManage && assignable.length > 0 && (
                <Button leftSection={<IconPlus size={18} />} onClick={createModal.open}>
                  New user
                </Button>
              )}
            </>
          ) : null
        }
      />

      <Card p={0}>
        <div className={classes.toolbar}>
          <TextInput
            aria-label="Search"
            placeholder="Search by name or email"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              pushSearch(event.currentTarget.value);
            }}
            className={classes.search}
            type="search"
          />
          <Select
            aria-label="Filter users"
            placeholder="All roles"
            data={roleOptions()}
            value={role ?? null}
            onChange={(value) => update({ role: value })}
            clearable
            className={classes.roleFilter}
          />
          <SegmentedControl
            aria-label="Status"
            value={status}
            onChange={(value) => update({ status: value === 'all' ? null : value })}
            data={[
              { value: 'all', label: 'All' },
              { value: 'active', label: 'Active' },
              { value: 'inactive', label: 'Inactive' },
            ]}
            className={classes.status}
          />
        </div>

        {list.isPending ? (
          <Stack p="md" gap="sm">
            {[0, 1, 2, 3, 4].map((row) => (
              <Skeleton key={row} h={36} />
            ))}
          </Stack>
        ) : list.isError ? (
          <Stack p="md">
            <ErrorAlert error={list.error} onRetry={() => list.refetch()} title="Could not load users" />
          </Stack>
        ) : users.length === 0 ? (
          <Center py={56} px="md">
            <EmptyState
              icon={<IconUsers size={26} />}
              title={filtered ? 'No users match these filters' : 'No users yet'}
              description={filtered ? 'Try another search, role or status.' : 'Add the first member of your team.'}
            />
          </Center>
        ) : compact ? (
          <UserCards users={users} />
        ) : (
          <UserTable users={users} />
        )}

        {users.length > 0 && (
          <Paper className={classes.footer} radius={0}>
            <Text size="sm" c="dimmed">
              Showing {users.length} {users.length === 1 ? 'user' : 'users'}
              {list.isFetching && !list.isFetchingNextPage ? ' · updating…' : ''}
            </Text>
            {list.hasNextPage && (
              <Button variant="light" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                Load more
              </Button>
            )}
            {list.isFetching && !list.hasNextPage && !list.isFetchingNextPage && <Loader size="xs" />}
          </Paper>
        )}
      </Card>

      {canManage && <NewUserModal opened={creating} onClose={createModal.close} assignable={assignable} />}
    </>
  );
}
