import { Alert, Button, Card, Group, Select, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, unwrap } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { notifySuccess } from '../../lib/notify';
import { errorMessage } from '../../lib/problem';
import { browserTimeZone } from '../../lib/time';
import { useMe } from '../auth/session';
import { myAvailabilityKey, useMyAvailability } from './profile.queries';

const COMPANY_ZONE = '';

function zoneList(current: string | null): string[] {
  let all: string[] = [];
  try {
    all = Intl.supportedValuesOf('timeZone');
  } catch {
    all = [];
  }
  return current && !all.includes(current) ? [current, ...all] : all;
}

/**
 * The zone every time in the app is shown in, and "today" is counted in (My day, reminders, the calendar):
 * the user's own, else the company's. Everyone sets its own here (PUT /me/timezone).
 */
export function TimeZoneCard() {
  const me = useMe();
  const queryClient = useQueryClient();
  const availability = useMyAvailability();
  const [draft, setDraft] = useState<string | null>(null);
  const current = availability.data?.timezone ?? COMPANY_ZONE;
  const value = draft ?? current;
  const zones = useMemo(
    () => [
      { value: COMPANY_ZONE, label: `Company time zone (${me.company.timezone})` },
      ...zoneList(availability.data?.timezone ?? null).map((zone) => ({
        value: zone,
        label: zone.replaceAll('_', ' '),
      })),
    ],
    [availability.data?.timezone, me.company.timezone],
  );
  const save = useMutation({
    mutationFn: (timezone: string | null) => unwrap(api.PUT('/api/v1/me/timezone', { body: { timezone } })),
    onSuccess: (saved) => {
      setDraft(null);
      // The whole app re-reads the new zone (every time on screen moves with it).
      queryClient.setQueryData(myAvailabilityKey, saved);
      notifySuccess(`Times now show in ${saved.effectiveTimezone}.`, 'Time zone saved');
    },
  });
  const effective = availability.data?.effectiveTimezone ?? me.company.timezone;
  const browser = browserTimeZone();

  return (
    <Card h="100%" component="section" aria-label="Time zone">
      <Text fw={650}>Time zone</Text>
      <Text size="sm" c="dimmed" mb="md">
        Every date and time in iPerform shows in this zone, and your day (My day, reminders) starts at its midnight.
        Now: {formatDateTime(new Date())}.
      </Text>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label="My time zone"
          data={zones}
          value={value}
          onChange={(next) => setDraft(next ?? COMPANY_ZONE)}
          searchable
          allowDeselect={false}
          style={{ flex: '1 1 240px' }}
          disabled={availability.isPending}
        />
        <Button
          onClick={() => save.mutate(value || null)}
          disabled={draft === null || draft === current}
          loading={save.isPending}
        >
          Save
        </Button>
      </Group>
      {browser !== effective && (
        <Text size="xs" c="dimmed" mt="sm">
          This device is set to {browser}; iPerform still shows times in {effective}.
        </Text>
      )}
      {save.isError && (
        <Alert color="red" mt="sm">
          {errorMessage(save.error)}
        </Alert>
      )}
    </Card>
  );
}
