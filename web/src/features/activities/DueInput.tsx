import '@mantine/dates/styles.css';
import { Chip, Group, Stack } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { IconCalendarEvent } from '@tabler/icons-react';
import { useMemo } from 'react';
import { fromPickerValue, quickTimes, toPickerValue } from './dates';

/**
 * When something is due: one tap on a ready answer ("In 1 hour", "Tomorrow 9:00") or any date and time in the
 * picker. Times are the browser's wall clock.
 */
export function DueInput({
  value,
  onChange,
  label = 'When',
  error,
  allowPast = false,
  withQuickTimes = true,
}: {
  value: Date | null;
  onChange: (value: Date | null) => void;
  label?: string;
  error?: string | null;
  allowPast?: boolean;
  withQuickTimes?: boolean;
}) {
  const quick = useMemo(() => quickTimes(), []);
  const picked = quick.find((q) => value && q.at.getTime() === value.getTime())?.label ?? null;
  return (
    <Stack gap={6}>
      <DateTimePicker
        label={label}
        placeholder="Pick a date and time"
        value={toPickerValue(value)}
        onChange={(next) => onChange(fromPickerValue(next))}
        valueFormat="ddd D MMM YYYY, HH:mm"
        leftSection={<IconCalendarEvent size={16} />}
        minDate={allowPast ? undefined : (toPickerValue(new Date(Date.now() - 60_000)) ?? undefined)}
        firstDayOfWeek={1}
        defaultTimeValue="10:00"
        error={error ?? undefined}
        dropdownType="popover"
        popoverProps={{ withinPortal: true, zIndex: 400 }}
        clearable={false}
        submitButtonProps={{ 'aria-label': 'Use this date and time' }}
      />
      {withQuickTimes && (
        <Group gap={6} role="group" aria-label="Quick times">
          {quick.map((q) => (
            <Chip
              key={q.label}
              size="xs"
              checked={picked === q.label}
              onChange={() => onChange(q.at)}
              variant="outline"
            >
              {q.label}
            </Chip>
          ))}
        </Group>
      )}
    </Stack>
  );
}
