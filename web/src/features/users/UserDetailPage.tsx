import {
  Alert,
  Anchor,
  Button,
  Card,
  Grid,
  Group,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertCircle, IconArrowLeft, IconUserCheck, IconUserOff, IconUsersGroup } from '@tabler/icons-react';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router';
import { RoleBadge, StatusBadge } from '../../components/Badges';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { NotFoundPage } from '../../components/StatusPages';
import type { RoleName, UpdateUserBody, User } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useFormErrors } from '../../lib/forms';
import { notifyError, notifySuccess } from '../../lib/notify';
import { ApiError } from '../../lib/problem';
import { IssueResetLinkButton } from '../auth/IssueResetLinkButton';
import { useCan, useMe } from '../auth/session';
import { LoginHistoryCard } from './LoginHistoryCard';
import { ManagerSelect } from './ManagerSelect';
import { PartnerSelect } from './PartnerSelect';
import { assignableRoles, isRoleName, requiredManagerRole, roleOptions } from './roles';
import { buildTeamTree, countNodes, TeamTree } from './TeamTree';
import { UserAvatar } from './UserAvatar';
import { useSetUserActive, useTeam, useUpdateUser, useUser } from './users.queries';

const fields = ['name', 'role', 'managerId', 'partnerId'] as const;
const labels = { name: 'Name', role: 'Role', managerId: 'Manager', partnerId: 'Partner organisation' };

function Info({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
        {label}
      </Text>
      <Text size="sm" component="div" mt={2}>
        {children}
      </Text>
    </div>
  );
}

function EditUserForm({ user, roles }: { user: User; roles: readonly RoleName[] }) {
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<RoleName>(user.role);
  const [managerId, setManagerId] = useState<string | null>(user.managerId);
  const [partnerId, setPartnerId] = useState<string | null>(user.partnerId);
  const errors = useFormErrors(fields, labels);
  const update = useUpdateUser(user.id);

  const changes: UpdateUserBody = {};
  if (name.trim() !== user.name) changes.name = name.trim();
  if (role !== user.role) changes.role = role;
  if (managerId !== user.managerId) changes.managerId = managerId;
  if (role === 'PARTNER' && partnerId !== user.partnerId) changes.partnerId = partnerId;
  const dirty = Object.keys(changes).length > 0;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    if (!name.trim()) {
      errors.setFieldErrors({ name: 'Enter a name' });
      return;
    }
    update.mutate(changes, {
      onSuccess: (saved) => notifySuccess(`${saved.name} was updated.`, 'Changes saved'),
      onError: errors.fromError,
    });
  };

  const reset = () => {
    setName(user.name);
    setRole(user.role);
    setManagerId(user.managerId);
    setPartnerId(user.partnerId);
    errors.clear();
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Edit user">
      <Stack gap="md">
        <TextInput
          label="Name"
          value={name}
          onChange={(event) => {
            setName(event.currentTarget.value);
            errors.clearField('name');
          }}
          error={errors.fieldErrors.name}
          required
        />
        <Select
          label="Role"
          data={roleOptions(roles.includes(user.role) ? roles : [user.role, ...roles])}
          value={role}
          onChange={(value) => {
            if (!value || !isRoleName(value)) return;
            if (requiredManagerRole[value] !== requiredManagerRole[role])
              setManagerId(value === user.role ? user.managerId : null);
            setRole(value);
            errors.clearField('role');
          }}
          allowDeselect={false}
          error={errors.fieldErrors.role}
        />
        <ManagerSelect
          key={requiredManagerRole[role] ?? 'anyone'}
          role={role}
          value={managerId}
          onChange={(value) => {
            setManagerId(value);
            errors.clearField('managerId');
          }}
          error={errors.fieldErrors.managerId}
          excludeId={user.id}
          current={user.managerId && user.managerName ? { id: user.managerId, name: user.managerName } : null}
        />
        {role === 'PARTNER' && (
          <PartnerSelect
            value={partnerId}
            onChange={(value) => {
              setPartnerId(value);
              errors.clearField('partnerId');
            }}
            error={errors.fieldErrors.partnerId}
          />
        )}
        {errors.formError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {errors.formError}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={reset} disabled={!dirty || update.isPending}>
            Discard
          </Button>
          <Button type="submit" disabled={!dirty} loading={update.isPending}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ActivationButton({ user }: { user: User }) {
  const [opened, modal] = useDisclosure(false);
  // What the dialog asks is fixed when it opens, so it does not change wording while it closes.
  const [activating, setActivating] = useState(!user.active);
  const setActive = useSetUserActive(user.id);

  const open = () => {
    setActivating(!user.active);
    modal.open();
  };

  const confirm = () =>
    setActive.mutate(activating, {
      onSuccess: (saved) => {
        modal.close();
        notifySuccess(
          saved.active ? `${saved.name} can sign in again.` : `${saved.name} can no longer sign in.`,
          saved.active ? 'User reactivated' : 'User deactivated',
        );
      },
      onError: (error) => {
        modal.close();
        notifyError(error, activating ? 'Could not reactivate' : 'Could not deactivate');
      },
    });

  return (
    <>
      <Button
        variant={user.active ? 'default' : 'light'}
        color={user.active ? 'red' : 'teal'}
        leftSection={user.active ? <IconUserOff size={18} /> : <IconUserCheck size={18} />}
        onClick={open}
      >
        {user.active ? 'Deactivate' : 'Reactivate'}
      </Button>
      <ConfirmModal
        opened={opened}
        onClose={modal.close}
        onConfirm={confirm}
        loading={setActive.isPending}
        title={activating ? `Reactivate ${user.name}?` : `Deactivate ${user.name}?`}
        confirmLabel={activating ? 'Reactivate' : 'Deactivate'}
        color={activating ? 'teal' : 'red'}
      >
        <Text size="sm">
          {activating
            ? `${user.name} will be able to sign in again with their existing password.`
            : `${user.name} will be signed out everywhere and will not be able to sign in. Their records stay, and you can reactivate them later.`}
        </Text>
      </ConfirmModal>
    </>
  );
}

function TeamCard({ user }: { user: User }) {
  const team = useTeam(user.id);
  const nodes = team.data ? buildTeamTree(user.id, team.data.data) : [];
  const total = countNodes(nodes);

  return (
    <Card>
      <Group justify="space-between" mb="md">
        <Group gap="xs">
          <IconUsersGroup size={20} stroke={1.7} />
          <Title order={3}>Team</Title>
        </Group>
        {team.data && (
          <Text size="sm" c="dimmed">
            {total} {total === 1 ? 'person' : 'people'}
          </Text>
        )}
      </Group>
      {team.isPending ? (
        <Stack gap="xs">
          <Skeleton h={32} />
          <Skeleton h={32} ml="lg" />
          <Skeleton h={32} ml="lg" />
        </Stack>
      ) : team.isError ? (
        <ErrorAlert error={team.error} onRetry={() => team.refetch()} title="Could not load the team" />
      ) : nodes.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nobody reports to {user.name}.
        </Text>
      ) : (
        <TeamTree nodes={nodes} />
      )}
    </Card>
  );
}

export function UserDetailPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const canManage = useCan('users:manage');
  const canSeeActivity = useCan('users:activity');
  const canIssueResetLink = useCan('users:reset-passwords');
  const query = useUser(id);

  const back = (
    <Anchor component={Link} to="/users" size="sm" c="dimmed">
      <Group gap={4}>
        <IconArrowLeft size={14} />
        All users
      </Group>
    </Anchor>
  );

  if (query.isPending) {
    return (
      <Stack>
        {back}
        <Skeleton h={64} w={320} />
        <Skeleton h={240} />
      </Stack>
    );
  }
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) return <NotFoundPage />;
    return (
      <Stack>
        {back}
        <ErrorAlert error={query.error} onRetry={() => query.refetch()} title="Could not load this user" />
      </Stack>
    );
  }

  const user = query.data;
  const roles = assignableRoles(me.user.role);
  const editable = canManage && roles.includes(user.role);
  const isSelf = user.id === me.user.id;

  return (
    <Stack gap="lg">
      {back}
      <Group justify="space-between" align="center" gap="md">
        <Group gap="md" wrap="nowrap" miw={0}>
          <UserAvatar name={user.name} role={user.role} size={56} />
          <Stack gap={4} miw={0}>
            <Title order={1} style={{ overflowWrap: 'anywhere' }}>
              {user.name}
            </Title>
            <Group gap="xs">
              <RoleBadge role={user.role} />
              <StatusBadge active={user.active} />
              {isSelf && (
                <Text size="xs" c="dimmed">
                  (you)
                </Text>
              )}
            </Group>
          </Stack>
        </Group>
        <Group gap="sm">
          {canIssueResetLink && !isSelf && user.active && <IssueResetLinkButton user={user} />}
          {editable && !isSelf && <ActivationButton user={user} />}
        </Group>
      </Group>

      {!user.active && (
        <Alert color="gray" icon={<IconUserOff size={18} />}>
          {user.name} was deactivated{user.deactivatedAt ? ` on ${formatDateTime(user.deactivatedAt)}` : ''} and cannot
          sign in.
        </Alert>
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Card h="100%">
            <Title order={3} mb="md">
              Details
            </Title>
            <Info label="Email">
              <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                {user.email}
              </Text>
            </Info>
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md" mt="md" mb={editable ? 'lg' : 0}>
              {!editable && (
                <Info label="Reports to">
                  {user.managerId && user.managerName ? (
                    <Anchor component={Link} to={`/users/${user.managerId}`} size="sm">
                      {user.managerName}
                    </Anchor>
                  ) : (
                    'Nobody'
                  )}
                </Info>
              )}
              <Info label="Member since">{formatDateTime(user.createdAt)}</Info>
              <Info label="Last updated">{formatDateTime(user.updatedAt)}</Info>
            </SimpleGrid>
            {editable && <EditUserForm key={`${user.id}:${user.updatedAt}`} user={user} roles={roles} />}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <TeamCard user={user} />
        </Grid.Col>
      </Grid>

      {(isSelf || canSeeActivity) && <LoginHistoryCard key={user.id} userId={user.id} isSelf={isSelf} />}
    </Stack>
  );
}
