import {
  Alert,
  Button,
  Chip,
  Group,
  Input,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconAlertCircle, IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useMemo, useState } from 'react';
import { formatDateTime } from '../../../lib/format';
import { useFormErrors } from '../../../lib/forms';
import { notifySuccess } from '../../../lib/notify';
import type { Availability } from '../settings.types';
import { useSaveAvailability } from './availability.queries';

const fields = ['timezone', 'workingDays', 'workStart', 'workEnd', 'dailyCap', 'openCap'] as const;
const labels = {
  timezone: 'Time zone',
  workingDays: 'Working days',
  workStart: 'Start',
  workEnd: 'End',
  dailyCap: 'Daily cap',
  openCap: 'Open-lead cap',
};

/** ISO weekdays, Monday first. */
const weekdays = [
  { value: 1, short: 'Mon', long: 'Monday' },
  { value: 2, short: 'Tue', long: 'Tuesday' },
  { value: 3, short: 'Wed', long: 'Wednesday' },
  { value: 4, short: 'Thu', long: 'Thursday' },
  { value: 5, short: 'Fri', long: 'Friday' },
  { value: 6, short: 'Sat', long: 'Saturday' },
  { value: 7, short: 'Sun', long: 'Sunday' },
];

const COMPANY_ZONE = '';

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

interface Draft {
  timezone: string;
  workingDays: string[];
  workStart: string;
  workEnd: string;
  dailyCap: number | string;
  openCap: number | string;
}

function draftOf(availability: Availability): Draft {
  return {
    timezone: availability.timezone ?? COMPANY_ZONE,
    workingDays: availability.workingDays.map(String),
    workStart: availability.workStart ?? '',
    workEnd: availability.workEnd ?? '',
    dailyCap: availability.dailyCap ?? '',
    openCap: availability.openCap ?? '',
  };
}

const capOf = (value: number | string) => (typeof value === 'number' ? value : null);

export function AvailabilityForm({ availability, companyZone }: { availability: Availability; companyZone: string }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(availability));
  const errors = useFormErrors(fields, labels);
  const save = useSaveAvailability(availability.userId);
  const zones = useMemo(() => {
    const all = timeZones();
    const current = availability.timezone;
    const list = current && !all.includes(current) ? [current, ...all] : all;
    return [
      { value: COMPANY_ZONE, label: `Company time zone (${companyZone})` },
      ...list.map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') })),
    ];
  }, [availability.timezone, companyZone]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    errors.clearField(key);
  };

  const overnight = Boolean(draft.workStart && draft.workEnd && draft.workEnd < draft.workStart);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    errors.clear();
    const problems: Partial<Record<(typeof fields)[number], string>> = {};
    if (draft.workingDays.length === 0) problems.workingDays = 'Choose at least one working day';
    if (Boolean(draft.workStart) !== Boolean(draft.workEnd)) {
      problems[draft.workStart ? 'workEnd' : 'workStart'] = 'Give both times, or neither for any time of day';
    }
    if (Object.keys(problems).length > 0) {
      errors.setFieldErrors(problems);
      return;
    }
    save.mutate(
      {
        timezone: draft.timezone || null,
        workingDays: draft.workingDays.map(Number).sort((a, b) => a - b),
        workStart: draft.workStart || null,
        workEnd: draft.workEnd || null,
        dailyCap: capOf(draft.dailyCap),
        openCap: capOf(draft.openCap),
      },
      {
        onSuccess: (saved) => {
          setDraft(draftOf(saved));
          notifySuccess('New leads will follow these hours and caps.', 'Availability saved');
        },
        onError: errors.fromError,
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Availability">
      <Stack gap="md">
        {!availability.configured && (
          <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />}>
            Nothing is set yet, so this person can be given leads at any time, without limit.
          </Alert>
        )}
        <Select
          label="Time zone"
          description="Working hours and the daily cap follow this person's own clock."
          data={zones}
          value={draft.timezone}
          onChange={(value) => set('timezone', value ?? COMPANY_ZONE)}
          searchable
          allowDeselect={false}
          nothingFoundMessage="No such time zone"
          error={errors.fieldErrors.timezone}
          limit={100}
        />
        <Input.Wrapper label="Working days" error={errors.fieldErrors.workingDays}>
          <Chip.Group multiple value={draft.workingDays} onChange={(value) => set('workingDays', value)}>
            <Group gap={6} mt={6}>
              {weekdays.map((day) => (
                <Chip key={day.value} value={String(day.value)} size="sm" aria-label={day.long}>
                  {day.short}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
        </Input.Wrapper>
        <SimpleGrid cols={{ base: 2 }} spacing="md">
          <TextInput
            label="Start"
            type="time"
            value={draft.workStart}
            onChange={(event) => set('workStart', event.currentTarget.value)}
            error={errors.fieldErrors.workStart}
          />
          <TextInput
            label="End"
            type="time"
            value={draft.workEnd}
            onChange={(event) => set('workEnd', event.currentTarget.value)}
            error={errors.fieldErrors.workEnd}
          />
        </SimpleGrid>
        <Text size="xs" c="dimmed" mt={-8}>
          {!draft.workStart && !draft.workEnd
            ? 'No hours set: any time on a working day.'
            : overnight
              ? 'The shift runs past midnight into the next day.'
              : 'Leads arrive only between these times.'}
        </Text>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
          <NumberInput
            label="Daily cap"
            description="Most new leads a day. Empty: no limit."
            placeholder="No limit"
            min={0}
            max={100_000}
            allowDecimal={false}
            allowNegative={false}
            value={draft.dailyCap}
            onChange={(value) => set('dailyCap', value)}
            error={errors.fieldErrors.dailyCap}
          />
          <NumberInput
            label="Open-lead cap"
            description="Most open leads owned at once. Empty: no limit."
            placeholder="No limit"
            min={0}
            max={1_000_000}
            allowDecimal={false}
            allowNegative={false}
            value={draft.openCap}
            onChange={(value) => set('openCap', value)}
            error={errors.fieldErrors.openCap}
          />
        </SimpleGrid>
        {errors.formError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {errors.formError}
          </Alert>
        )}
        <Group justify="space-between" gap="sm">
          <Text size="xs" c="dimmed">
            {availability.updatedAt ? `Last changed ${formatDateTime(availability.updatedAt)}` : ''}
          </Text>
          <Group gap="sm">
            <Button
              variant="default"
              onClick={() => {
                setDraft(draftOf(availability));
                errors.clear();
              }}
              disabled={save.isPending}
            >
              Discard
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save availability
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
