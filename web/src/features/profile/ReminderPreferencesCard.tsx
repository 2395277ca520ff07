import { Alert, Button, Card, Group, Radio, Select, Skeleton, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../lib/api';
import type { paths } from '../../lib/api-types';
import { notifySuccess } from '../../lib/notify';
import { errorMessage } from '../../lib/problem';

type Preferences = paths['/api/v1/notifications/preferences']['get']['responses'][200]['content']['application/json'];
type Channel = Preferences['reminderChannel'];

const key = ['notifications', 'preferences'] as const;

const leadTimes = [
  { value: '0', label: 'When it is due' },
  { value: '5', label: '5 minutes before' },
  { value: '10', label: '10 minutes before' },
  { value: '15', label: '15 minutes before' },
  { value: '30', label: '30 minutes before' },
  { value: '60', label: '1 hour before' },
  { value: '120', label: '2 hours before' },
  { value: '1440', label: '1 day before' },
];

/** How and how long before its time a follow-up of mine is reminded. */
export function ReminderPreferencesCard() {
  const queryClient = useQueryClient();
  const prefs = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET('/api/v1/notifications/preferences')) });
  const save = useMutation({
    mutationFn: (body: Preferences) => unwrap(api.PUT('/api/v1/notifications/preferences', { body })),
    onSuccess: (saved) => queryClient.setQueryData(key, saved),
  });
  const [draft, setDraft] = useState<Preferences | null>(null);
  const current = draft ?? prefs.data ?? null;
  const changed =
    draft !== null &&
    prefs.data !== undefined &&
    (draft.reminderChannel !== prefs.data.reminderChannel ||
      draft.reminderMinutesBefore !== prefs.data.reminderMinutesBefore);
  const minutes = String(current?.reminderMinutesBefore ?? 15);
  const times = leadTimes.some((t) => t.value === minutes)
    ? leadTimes
    : [...leadTimes, { value: minutes, label: `${minutes} minutes before` }];

  return (
    <Card h="100%" component="section" aria-label="Follow-up reminders">
      <Text fw={650}>Follow-up reminders</Text>
      <Text size="sm" c="dimmed" mb="md">
        Before each of your follow-ups and meetings is due, iPerform reminds you.
      </Text>
      {prefs.isPending || !current ? (
        prefs.isError ? (
          <Alert color="red">{errorMessage(prefs.error)}</Alert>
        ) : (
          <Stack gap="sm">
            <Skeleton h={60} />
            <Skeleton h={36} />
          </Stack>
        )
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!draft) return;
            save.mutate(draft, {
              onSuccess: () => {
                setDraft(null);
                notifySuccess('Your follow-ups still to come are reminded the new way.', 'Reminders saved');
              },
            });
          }}
        >
          <Stack gap="md">
            <Radio.Group
              label="Remind me"
              value={current.reminderChannel}
              onChange={(value) => setDraft({ ...current, reminderChannel: value as Channel })}
            >
              <Stack gap={6} mt={6}>
                <Radio value="in_app" label="In iPerform (the bell)" />
                <Radio value="email" label="By email" />
                <Radio value="both" label="Both" />
              </Stack>
            </Radio.Group>
            <Select
              label="When"
              data={times}
              value={minutes}
              onChange={(value) => value !== null && setDraft({ ...current, reminderMinutesBefore: Number(value) })}
              allowDeselect={false}
              maw={260}
            />
            {current.reminderChannel !== 'in_app' && (
              <Text size="xs" c="dimmed">
                Reminder emails go out through your company’s email server; without one they are only in the bell.
              </Text>
            )}
            {save.isError && (
              <Alert color="red" role="alert">
                {errorMessage(save.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button type="submit" disabled={!changed} loading={save.isPending}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Card>
  );
}
