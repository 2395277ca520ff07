import { ActionIcon, Alert, Button, Card, Group, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconCalendarOff, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatDate } from '../../../lib/format';
import { useFormErrors } from '../../../lib/forms';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { LoadingRows } from '../SettingsSection';
import type { Leave } from '../settings.types';
import classes from './AvailabilityPage.module.css';
import { useAddLeave, useLeaves, useRemoveLeave } from './availability.queries';

const fields = ['startsOn', 'endsOn', 'reason'] as const;
const labels = { startsOn: 'From', endsOn: 'To', reason: 'Reason' };

/** Dates as the API sends them (YYYY-MM-DD) are calendar days: shown without moving through a time zone. */
function day(date: string): string {
  return formatDate(`${date}T12:00:00`);
}

function days(leave: Leave): number {
  const ms = Date.parse(`${leave.endsOn}T00:00:00Z`) - Date.parse(`${leave.startsOn}T00:00:00Z`);
  return Math.round(ms / 86_400_000) + 1;
}

function AddLeaveForm({ userId, name }: { userId: string; name: string }) {
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const [reason, setReason] = useState('');
  const errors = useFormErrors(fields, labels);
  const add = useAddLeave(userId);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    const end = endsOn || startsOn;
    if (!startsOn) {
      errors.setFieldErrors({ startsOn: 'Choose the first day off' });
      return;
    }
    if (end < startsOn) {
      errors.setFieldErrors({ endsOn: 'The last day cannot be before the first' });
      return;
    }
    add.mutate(
      { startsOn, endsOn: end, reason: reason.trim() || null },
      {
        onSuccess: () => {
          notifySuccess(`${name} gets no new leads on those days.`, 'Leave added');
          setStartsOn('');
          setEndsOn('');
          setReason('');
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Add leave" className={classes.leaveForm}>
      <TextInput
        label="From"
        type="date"
        value={startsOn}
        onChange={(event) => {
          setStartsOn(event.currentTarget.value);
          errors.clearField('startsOn');
        }}
        error={errors.fieldErrors.startsOn}
      />
      <TextInput
        label="To"
        type="date"
        value={endsOn}
        min={startsOn || undefined}
        onChange={(event) => {
          setEndsOn(event.currentTarget.value);
          errors.clearField('endsOn');
        }}
        error={errors.fieldErrors.endsOn}
      />
      <TextInput
        label="Reason"
        placeholder="Optional"
        value={reason}
        maxLength={200}
        onChange={(event) => {
          setReason(event.currentTarget.value);
          errors.clearField('reason');
        }}
        error={errors.fieldErrors.reason}
        className={classes.reason}
      />
      <Button type="submit" loading={add.isPending} className={classes.addLeave}>
        Add leave
      </Button>
      {errors.formError && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert" className={classes.formError}>
          {errors.formError}
        </Alert>
      )}
    </form>
  );
}

function LeaveRow({ leave, userId }: { leave: Leave; userId: string }) {
  const remove = useRemoveLeave(userId);
  const count = days(leave);
  const range = leave.startsOn === leave.endsOn ? day(leave.startsOn) : `${day(leave.startsOn)} – ${day(leave.endsOn)}`;
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm" className={classes.leave}>
      <Stack gap={2} miw={0}>
        <Text size="sm" fw={600}>
          {range}
        </Text>
        <Text size="xs" c="dimmed" truncate>
          {count} {count === 1 ? 'day' : 'days'}
          {leave.reason ? ` · ${leave.reason}` : ''}
        </Text>
      </Stack>
      <Tooltip label="Remove" openDelay={400}>
        <ActionIcon
          variant="subtle"
          color="red"
          aria-label={`Remove the leave of ${range}`}
          loading={remove.isPending}
          onClick={() =>
            remove.mutate(leave.id, {
              onSuccess: () => notifySuccess(`${range} is a working period again.`, 'Leave removed'),
              onError: (error) => notifyError(error, 'Could not remove the leave'),
            })
          }
        >
          <IconTrash size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

export function LeavesCard({ userId, name }: { userId: string; name: string }) {
  const leaves = useLeaves(userId);
  const list = leaves.data ?? [];
  return (
    <Card p={{ base: 'md', sm: 'lg' }}>
      <Group gap="xs" mb={4}>
        <IconCalendarOff size={20} stroke={1.7} />
        <Title order={3}>Leave</Title>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        No leads are assigned to {name} on these days.
      </Text>
      <AddLeaveForm userId={userId} name={name} />
      <div className={classes.leaves}>
        {leaves.isPending ? (
          <LoadingRows rows={2} height={36} />
        ) : leaves.isError ? (
          <ErrorAlert error={leaves.error} onRetry={() => leaves.refetch()} title="Could not load the leave" />
        ) : list.length === 0 ? (
          <Text size="sm" c="dimmed" py="sm">
            No leave recorded.
          </Text>
        ) : (
          list.map((leave) => <LeaveRow key={leave.id} leave={leave} userId={userId} />)
        )}
      </div>
    </Card>
  );
}
