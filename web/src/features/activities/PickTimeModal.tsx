import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { Activity } from './activities.types';
import { DueInput } from './DueInput';

/** Picks a new due time for a follow-up: a ready answer or any date and time. */
export function PickTimeModal({
  activity,
  pending,
  error,
  onPick,
  onClose,
}: {
  activity: Activity | null;
  pending: boolean;
  error: string | null;
  onPick: (activity: Activity, at: Date) => void;
  onClose: () => void;
}) {
  return (
    <Modal opened={activity !== null} onClose={onClose} title={<Text fw={650}>Reschedule</Text>} size="md">
      {activity && (
        <PickTimeForm
          key={activity.id}
          activity={activity}
          pending={pending}
          error={error}
          onPick={onPick}
          onClose={onClose}
        />
      )}
    </Modal>
  );
}

function PickTimeForm({
  activity,
  pending,
  error,
  onPick,
  onClose,
}: {
  activity: Activity;
  pending: boolean;
  error: string | null;
  onPick: (activity: Activity, at: Date) => void;
  onClose: () => void;
}) {
  const [at, setAt] = useState<Date | null>(null);
  return (
    <form
      aria-label="Reschedule"
      onSubmit={(event) => {
        event.preventDefault();
        if (at) onPick(activity, at);
      }}
    >
      <Stack gap="md">
        <Text size="sm">
          <b>{activity.title}</b>
          <Text span c="dimmed">
            {' '}
            · {activity.leadName}
          </Text>
        </Text>
        <DueInput label="New time" value={at} onChange={setAt} error={error} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" loading={pending} disabled={!at}>
            Reschedule
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
