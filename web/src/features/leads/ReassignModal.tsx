import { Alert, Button, Group, Modal, MultiSelect, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useMemo, useState } from 'react';
import { notifySuccess } from '../../lib/notify';
import { ApiError, errorMessage } from '../../lib/problem';
import { useUserOptions } from '../users/users.queries';
import { useAssignLead } from './leads.queries';
import type { AssignBody, Lead } from './leads.types';
import { UserPicker } from './UserPicker';

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

function ReassignForm({ lead, onClose }: { lead: Lead; onClose: () => void }) {
  const assign = useAssignLead(lead.id);
  const [ownerId, setOwnerId] = useState<string | null>(lead.ownerId ?? null);
  const [warriorIds, setWarriorIds] = useState<string[]>(lead.warriorIds ?? []);
  const [errors, setErrors] = useState<{ ownerId?: string; warriorIds?: string; form?: string }>({});
  const warriors = useUserOptions({ role: 'WARRIOR', active: true });
  const warriorData = useMemo(
    () => (warriors.data?.data ?? []).map((user) => ({ value: user.id, label: user.name })),
    [warriors.data],
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body: AssignBody = { version: lead.version };
    if (ownerId !== (lead.ownerId ?? null)) body.ownerId = ownerId;
    if (lead.warriorIds !== undefined && !sameSet(warriorIds, lead.warriorIds)) body.warriorIds = warriorIds;
    if (body.ownerId === undefined && body.warriorIds === undefined) {
      onClose();
      return;
    }
    setErrors({});
    assign.mutate(body, {
      onSuccess: (saved) => {
        notifySuccess(
          saved.ownerName ? `${saved.name} is now with ${saved.ownerName}.` : `${saved.name} is unassigned.`,
          'Assignment saved',
        );
        onClose();
      },
      onError: (error) => {
        if (error instanceof ApiError && error.code === 'version_conflict') {
          setErrors({ form: 'Someone else changed this lead meanwhile. It has been reloaded; check and save again.' });
          return;
        }
        const next: typeof errors = {};
        for (const item of error instanceof ApiError ? (error.problem.errors ?? []) : []) {
          const field = item.path.replace(/^\//, '').split(/[./]/)[0];
          if (field === 'ownerId' && !next.ownerId) next.ownerId = `Owner ${item.message}`;
          else if (field === 'warriorIds' && !next.warriorIds) next.warriorIds = `Warrior ${item.message}`;
        }
        if (!next.ownerId && !next.warriorIds) next.form = errorMessage(error);
        setErrors(next);
      },
    });
  };

  const current = lead.ownerId && lead.ownerName ? { id: lead.ownerId, name: lead.ownerName } : null;
  return (
    <form onSubmit={submit} noValidate aria-label="Reassign lead">
      <Stack gap="md">
        <UserPicker
          label="Owner"
          placeholder="Unassigned"
          description="A salesperson within your team."
          userRole="SALESPERSON"
          value={ownerId}
          current={current}
          onChange={(value) => {
            setOwnerId(value);
            setErrors((e) => ({ ...e, ownerId: undefined }));
          }}
          error={errors.ownerId}
          clearable
          data-autofocus
        />
        {lead.warriorIds !== undefined && (
          <MultiSelect
            comboboxProps={{ keepMounted: false }}
            label="Warriors"
            placeholder={warriorIds.length > 0 ? undefined : 'None'}
            description="Warriors help the owner work the lead."
            data={warriorData}
            value={warriorIds}
            onChange={(value) => {
              setWarriorIds(value);
              setErrors((e) => ({ ...e, warriorIds: undefined }));
            }}
            error={errors.warriorIds}
            searchable
            clearable
            nothingFoundMessage={warriors.isFetching ? 'Loading…' : 'No warriors'}
          />
        )}
        {errors.form && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {errors.form}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={assign.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={assign.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ReassignModal({ lead, opened, onClose }: { lead: Lead; opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Reassign {lead.name}</Text>}>
      {opened && <ReassignForm lead={lead} onClose={onClose} />}
    </Modal>
  );
}
