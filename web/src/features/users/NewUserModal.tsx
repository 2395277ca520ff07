import { Alert, Button, Group, Modal, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import type { RoleName, User } from '../../lib/api';
import { useFormErrors } from '../../lib/forms';
import { notifySuccess } from '../../lib/notify';
import { MIN_PASSWORD_LENGTH } from '../../lib/passwords';
import { ManagerSelect } from './ManagerSelect';
import { PartnerSelect } from './PartnerSelect';
import { isRoleName, requiredManagerRole, roleOptions } from './roles';
import { useCreateUser } from './users.queries';

const fields = ['email', 'name', 'role', 'managerId', 'partnerId', 'password'] as const;
const labels = {
  email: 'Email',
  name: 'Name',
  role: 'Role',
  managerId: 'Manager',
  partnerId: 'Partner organisation',
  password: 'Password',
};

interface Draft {
  email: string;
  name: string;
  role: RoleName | null;
  managerId: string | null;
  partnerId: string | null;
  password: string;
}

const emptyDraft: Draft = { email: '', name: '', role: null, managerId: null, partnerId: null, password: '' };

export function NewUserModal({
  opened,
  onClose,
  assignable,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  assignable: readonly RoleName[];
  onCreated?: (user: User) => void;
}) {
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const errors = useFormErrors(fields, labels);
  const create = useCreateUser();

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    errors.clearField(key);
  };

  const close = () => {
    setDraft(emptyDraft);
    errors.clear();
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problems: Partial<Record<(typeof fields)[number], string>> = {};
    if (!draft.email.trim()) problems.email = 'Enter an email address';
    if (!draft.name.trim()) problems.name = 'Enter a name';
    if (!draft.role) problems.role = 'Choose a role';
    if (draft.role === 'PARTNER' && !draft.partnerId) problems.partnerId = 'Choose the partner organisation';
    if (draft.password.length < MIN_PASSWORD_LENGTH) {
      problems.password = `Use at least ${MIN_PASSWORD_LENGTH} characters`;
    }
    errors.clear();
    if (Object.keys(problems).length > 0 || !draft.role) {
      errors.setFieldErrors(problems);
      return;
    }
    create.mutate(
      {
        email: draft.email.trim(),
        name: draft.name.trim(),
        role: draft.role,
        password: draft.password,
        ...(draft.managerId ? { managerId: draft.managerId } : {}),
        ...(draft.role === 'PARTNER' && draft.partnerId ? { partnerId: draft.partnerId } : {}),
      },
      {
        onSuccess: (user) => {
          notifySuccess(`${user.name} can now sign in with ${user.email}.`, 'User created');
          onCreated?.(user);
          close();
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>New user</Text>} size="lg">
      <form onSubmit={submit} noValidate aria-label="New user">
        <Stack gap="md">
          <TextInput
            label="Email"
            type="email"
            autoComplete="off"
            placeholder="name@company.com"
            value={draft.email}
            onChange={(event) => set('email', event.currentTarget.value)}
            error={errors.fieldErrors.email}
            required
            data-autofocus
          />
          <TextInput
            label="Name"
            autoComplete="off"
            placeholder="First and last name"
            value={draft.name}
            onChange={(event) => set('name', event.currentTarget.value)}
            error={errors.fieldErrors.name}
            required
          />
          <Select
            label="Role"
            placeholder="Choose a role"
            data={roleOptions(assignable)}
            value={draft.role}
            onChange={(value) => {
              const role = value && isRoleName(value) ? value : null;
              const before = draft.role ? requiredManagerRole[draft.role] : undefined;
              const after = role ? requiredManagerRole[role] : undefined;
              set('role', role);
              // A manager picked for another kind of role is rarely right for this one.
              if (before !== after) set('managerId', null);
            }}
            allowDeselect={false}
            error={errors.fieldErrors.role}
            required
          />
          <ManagerSelect
            key={(draft.role && requiredManagerRole[draft.role]) ?? 'anyone'}
            role={draft.role}
            value={draft.managerId}
            onChange={(value) => set('managerId', value)}
            error={errors.fieldErrors.managerId}
          />
          {draft.role === 'PARTNER' && (
            <PartnerSelect
              value={draft.partnerId}
              onChange={(value) => set('partnerId', value)}
              error={errors.fieldErrors.partnerId}
            />
          )}
          <PasswordInput
            label="Password"
            description={`At least ${MIN_PASSWORD_LENGTH} characters. Share it privately; they can change it in My profile.`}
            autoComplete="new-password"
            value={draft.password}
            onChange={(event) => set('password', event.currentTarget.value)}
            error={errors.fieldErrors.password}
            required
          />
          {errors.formError && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
              {errors.formError}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm" mt="xs">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
