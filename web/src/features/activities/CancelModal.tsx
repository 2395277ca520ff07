import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { Activity } from './activities.types';

/** Cancels a follow-up, with an optional reason kept as its outcome. */
export function CancelModal({
  activity,
  pending,
  onConfirm,
  onClose,
}: {
  activity: Activity | null;
  pending: boolean;
  onConfirm: (activity: Activity, reason: string | null) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <Modal opened={activity !== null} onClose={onClose} title={<Text fw={650}>Cancel this follow-up?</Text>} size="md">
      {activity && (
        <form
          aria-label="Cancel follow-up"
          onSubmit={(event) => {
            event.preventDefault();
            onConfirm(activity, reason.trim() || null);
          }}
        >
          <Stack gap="md">
            <Text size="sm">
              <b>{activity.title}</b> will not be reminded any more; it stays on the lead’s timeline as cancelled.
            </Text>
            <TextInput
              label="Reason"
              placeholder="Optional, e.g. the customer asked to call next month"
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
              maxLength={2000}
            />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={onClose} disabled={pending}>
                Keep it
              </Button>
              <Button type="submit" color="red" loading={pending}>
                Cancel follow-up
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
