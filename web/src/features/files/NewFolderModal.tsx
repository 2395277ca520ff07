import { Button, Group, Modal, MultiSelect, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../lib/problem';
import { useCreateFolder } from './files.queries';

const ROLES = [
  'ADMIN',
  'MANAGER',
  'SALESPERSON',
  'WARRIOR',
  'COSALES',
  'CUSTOMER_SUCCESS',
  'PARTNER',
  'INTEGRATION',
  'DEV',
  'GUEST',
] as const;
type Role = (typeof ROLES)[number];

/** A new folder under `parentId`, open to everyone or only to some roles. */
export function NewFolderModal({
  opened,
  parentId,
  onClose,
  onCreated,
}: {
  opened: boolean;
  parentId: string | null;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const create = useCreateFolder();
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const close = () => {
    setName('');
    setRoles([]);
    create.reset();
    onClose();
  };
  const submit = () =>
    create.mutate(
      { name, ...(parentId ? { parentId } : {}), ...(roles.length > 0 ? { allowedRoles: roles } : {}) },
      {
        onSuccess: (folder) => {
          onCreated(folder.id);
          close();
        },
      },
    );
  return (
    <Modal opened={opened} onClose={close} title="New folder" centered>
      <Stack>
        <TextInput
          label="Name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={create.isError ? errorMessage(create.error) : undefined}
          data-autofocus
          maxLength={120}
        />
        <MultiSelect
          label="Only these roles"
          description="Leave empty for everyone in the company"
          data={ROLES.map((r) => ({ value: r, label: r.replace('_', ' ').toLowerCase() }))}
          value={roles}
          onChange={(value) => setRoles(value as Role[])}
          clearable
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button onClick={submit} loading={create.isPending} disabled={!name.trim()}>
            Create
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
